import path from 'node:path';
import fs from 'node:fs';
import { AppError } from '@tongban/shared';
import type { Config } from './config/config';
import type { Logger } from './logger';
import { openDatabase, type Db } from './storage/database';
import { FsBlobStore } from './storage/FsBlobStore';
import type { BlobStore } from './storage/BlobStore';
import { AuditLedger } from './audit/AuditLedger';
import { AuthService } from './auth/AuthService';
import { CatalogService } from './catalog/CatalogService';
import { CaseService } from './cases/CaseService';
import { MaterialService } from './materials/MaterialService';
import { PrecheckService } from './precheck/PrecheckService';
import { WorkLedgerService } from './workLedger/WorkLedgerService';
import { ReviewSessionService } from './review/ReviewSessionService';
import { ReviewRecordingService } from './review/recordingService';
import { recordingAvailability } from './review/recordingAvailability';
import { SfuService } from './sfu/sfuService';
import { createHandoffModule, type HandoffModule } from './handoff/handoffModule';
import { precheckEvidence, reviewEvidence } from './handoff/evidence';
import { systemClock, randomIds, type Clock, type IdSource } from './clock';

/** What /api/health asks the SFU and the OCR engine; both answer from live checks. */
export interface SfuHealthSource {
  health(): Promise<{ workers: Array<{ pid: number; alive: boolean } & Record<string, unknown>> } & Record<string, unknown>>;
}
export interface OcrHealthSource {
  health(): { ready: boolean } & Record<string, unknown>;
}

/**
 * Everything a route, socket handler or CLI command needs, built once. Services are plain
 * classes over the database, the blob store and the ledger; nothing here listens on a port.
 */
export interface AppContext {
  config: Config;
  log: Logger;
  db: Db;
  clock: Clock;
  ids: IdSource;
  blobs: BlobStore;
  ledger: AuditLedger;
  auth: AuthService;
  catalog: CatalogService;
  cases: CaseService;
  /** Scans; `materials.onUploaded(listener)` tells the OCR pre-check when a page arrives. */
  materials: MaterialService;
  /** OCR pre-check: job queue, worker pool (also `ocr` for /api/health), results, corrections, overrides. */
  precheck: PrecheckService;
  workLedger: WorkLedgerService;
  /** Live co-review sessions; `review.media` is the SFU (worker pool + rooms). */
  review: ReviewSessionService;
  /** Recordings of consented co-review calls (FFmpeg ← SFU), stored as blobs. */
  recordings: ReviewRecordingService;
  /** Handoff bags, site-to-site transfers, results back, ratings (好差评). */
  handoff: HandoffModule;
  version: string;
  sfu?: SfuHealthSource;
  ocr?: OcrHealthSource;
  /** Closes what the context opened, in reverse order. */
  close(): Promise<void>;
  onClose(fn: () => Promise<void> | void): void;
  /**
   * Clears up what a previous server process left half-done: upload temp files, OCR jobs it was
   * running, FFmpeg files and recordings it never stored. Only the server calls it, at start:
   * a CLI command may run beside a live server and must not touch that server's work in flight.
   */
  recoverInterrupted(): void;
}

/**
 * What a read-only command (`audit verify`) gets: the database opened read-only and the ledger
 * over it. Building it starts nothing and cleans nothing up — no migrations, no temp sweep, no
 * re-queued OCR jobs or failed recordings — so it is safe next to a running server.
 */
export interface ReadOnlyContext {
  config: Config;
  log: Logger;
  db: Db;
  ledger: AuditLedger;
  close(): Promise<void>;
}

const databaseFile = (config: Config) => path.join(config.dataDir, 'tongban.sqlite');

export function createReadOnlyContext(config: Config, log: Logger, opts: { clock?: Clock } = {}): ReadOnlyContext {
  const file = databaseFile(config);
  if (!fs.existsSync(file))
    throw new AppError('NOT_FOUND', {
      details: { file },
      zh: `数据目录中没有数据库文件 ${file}，请用 --data 指定站点的数据目录`,
      en: `No database at ${file}; point --data at the site's data directory`,
    });
  const db = openDatabase(file, { readonly: true });
  return {
    config,
    log,
    db,
    ledger: new AuditLedger(db, opts.clock ?? systemClock),
    close: async () => {
      db.close();
    },
  };
}

export function createContext(config: Config, log: Logger, opts: { clock?: Clock; ids?: IdSource } = {}): AppContext {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(databaseFile(config));
  const blobs = new FsBlobStore(config.dataDir);
  const ledger = new AuditLedger(db, clock);
  const auth = new AuthService(db, ledger, clock, ids, config.SESSION_TTL_HOURS * 3600_000);
  const catalog = new CatalogService(db, ledger);
  const cases = new CaseService({ db, ledger, clock, ids, catalog });
  const materials = new MaterialService({ db, ledger, clock, ids, blobs, catalog, cases, log, maxBytes: config.UPLOAD_MAX_BYTES });
  const workLedger = new WorkLedgerService({ db, clock, catalog });
  const closers: Array<() => Promise<void> | void> = [
    () => {
      db.close();
    },
  ];
  const recording = recordingAvailability(config);
  const review = new ReviewSessionService({ db, clock, ids, ledger, blobs, config, auth }, cases, new SfuService(config, log), recording);
  closers.push(() => review.media.close());
  const recordings = new ReviewRecordingService({ db, clock, ledger, blobs, config, log }, review, recording);
  closers.push(() => recordings.close());
  const precheck = new PrecheckService({ db, config, log, clock, ids, blobs, ledger, cases, materials, catalog });
  closers.push(() => precheck.close());
  const handoff = createHandoffModule({ config, db, clock, ids, blobs, ledger, cases, catalog, version: readVersion(config.repoRoot) });
  handoff.evidence.provide(
    'precheck',
    precheckEvidence((caseId) => precheck.precheckExport(caseId)),
  );
  handoff.evidence.provide(
    'review',
    reviewEvidence(async (caseId) => {
      // Recordings of the decided session may still be finishing: wait for them (bounded) first.
      const sessionId = review.reviewExport(caseId)?.sessionId;
      if (sessionId) await recordings.settled(sessionId);
      return review.reviewExport(caseId);
    }, blobs),
  );
  return {
    config,
    log,
    db,
    clock,
    ids,
    blobs,
    ledger,
    auth,
    catalog,
    cases,
    materials,
    workLedger,
    review,
    recordings,
    sfu: review.media,
    precheck,
    ocr: precheck.pool,
    handoff,
    version: readVersion(config.repoRoot),
    onClose: (fn) => closers.push(fn),
    recoverInterrupted: () => {
      blobs.sweepTemp();
      precheck.recoverInterrupted();
      recordings.recoverInterrupted();
    },
    close: async () => {
      for (const fn of closers.reverse()) await fn();
    },
  };
}

function readVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
