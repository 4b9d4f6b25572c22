import path from 'node:path';
import fs from 'node:fs';
import { AppError } from '@tongban/shared';
import type { Config } from './config/config';
import type { Logger } from './logger';
import { openDatabase, type Db } from './storage/database';
import { FsBlobStore } from './storage/FsBlobStore';
import { sqliteBlobIndex } from './storage/blobIndex';
import type { BlobStore } from './storage/BlobStore';
import { AuditLedger } from './audit/AuditLedger';
import { AuthService } from './auth/AuthService';
import type { CatalogService } from './catalog/CatalogService';
import type { CaseService } from './cases/CaseService';
import { createCasesModule } from './cases/casesModule';
import { createCalendarModule, type CalendarModule } from './calendar/calendarModule';
import { createRetentionModule } from './retention/retentionModule';
import { createReviewQaModule, type ReviewQaModule } from './reviewQa/reviewQaModule';
import { createDashboardModule } from './dashboard/dashboardModule';
import type { RetentionService } from './retention/RetentionService';
import type { MaterialService } from './materials/MaterialService';
import { createMaterialsModule } from './materials/materialsModule';
import type { PrecheckService } from './precheck/PrecheckService';
import { createPrecheckModule } from './precheck/precheckModule';
import { OcrPool } from './precheck/OcrPool';
import { ocrRecogniser, type MaterialRecogniser } from './precheck/recognizeMaterial';
import { limitsFromConfig } from './precheck/limits';
import type { WorkLedgerService } from './workLedger/WorkLedgerService';
import { createWorkLedgerModule } from './workLedger/workLedgerModule';
import { ReviewSessionService } from './review/ReviewSessionService';
import type { ReviewRecordingService } from './review/recordingService';
import { recordingAvailability } from './review/recordingAvailability';
import { createReviewModule } from './review/reviewModule';
import { JoinGrantService } from './review/joinGrants';
import { createCallModule, type CallModule } from './call/callModule';
import { createHandoffModule, type HandoffModule } from './handoff/handoffModule';
import type { ReceiptService } from './receipt/ReceiptService';
import { createReceiptModule } from './receipt/receiptModule';
import { createFederationModule, type FederationModule } from './federation/federationModule';
import type { CorrectionNoticeService } from './correction/CorrectionNoticeService';
import { createCorrectionModule } from './correction/correctionModule';
import type { OriginalCheckService } from './originals/OriginalCheckService';
import { createOriginalsModule } from './originals/originalsModule';
import { createStepsModule, type StepsModule } from './steps/stepsModule';
import type { AnnotationService } from './annotations/AnnotationService';
import { createAnnotationsModule } from './annotations/annotationsModule';
import type { SignatureService } from './signature/SignatureService';
import { createSignatureModule } from './signature/signatureModule';
import type { Feature } from './feature';
import { systemClock, randomIds, type Clock, type IdSource } from './clock';

/** What /api/health asks the OCR engine; it answers from a live check. */
export interface OcrHealthSource {
  health(): { ready: boolean } & Record<string, unknown>;
}

/**
 * The site, built once: the feature modules (each from the services it declares it needs) and
 * their services by name, for the CLI and the tests. Nothing here listens on a port.
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
  /** 节假日日历: holidays and 调休 days from the package and this site's admin; every deadline counts on it. */
  calendar: CalendarModule['calendar'];
  /** 保存期限 and 诉讼保全: evidence deleted after the retention period unless on hold. */
  retention: RetentionService;
  /** 抽查复核: sampled co-reviews and their second opinions. */
  reviewQa: ReviewQaModule['reviewQa'];
  cases: CaseService;
  /** Scans; `materials.onUploaded(listener)` tells the OCR pre-check when a page arrives. */
  materials: MaterialService;
  /** OCR pre-check: job queue, results, corrections, overrides; it reads materials with `ocr` (also for /api/health). */
  precheck: PrecheckService;
  workLedger: WorkLedgerService;
  /** Co-review sessions: request, queue, checks, decision. */
  review: ReviewSessionService;
  /** Join grants: issued here to peer sites' reviewers, and asked of peer sites for this site's reviewers. */
  grants: JoinGrantService;
  /** Live calls (co-review and /check): the SFU (`call.sfu`, also for /api/health), `/rtc` signalling, call events. */
  call: CallModule;
  /** Recordings of consented co-review calls (FFmpeg ← SFU), stored as blobs. */
  recordings: ReviewRecordingService;
  /** Handoff bags, site-to-site transfers, results back, ratings (好差评). */
  handoff: HandoffModule;
  /** 收件回执 and the public status page (the query code issued with 受理). */
  receipts: ReceiptService;
  /** 补正材料通知书: issued with every 补正, printed at the window, carried in the bag. */
  corrections: CorrectionNoticeService;
  /** 已核验原件: scans checked against the originals, their certified copies (核验件), carried in the bag. */
  originals: OriginalCheckService;
  /** 批注: marks drawn on the shared materials in the co-review, listed on the case page, cropped onto the correction notice. */
  annotations: AnnotationService;
  /** 申请人签名: the declaration signed on the phone or at the window; in the call, on the receipt, in the bag. */
  signatures: SignatureService;
  /** Co-review requests to and from peer sites (outbox, delivery loop, signed inbox). */
  federation: FederationModule;
  /** 环节时限: each case's step deadlines and responsible office, reminders before a step is due. */
  steps: StepsModule['steps'];
  /** The bell: in-app notifications, pushed on the user's socket.io room. */
  notifications: StepsModule['notifications'];
  /** The feature modules, in the order they were built: their routes, socket handlers, recovery and shutdown. */
  features: Feature[];
  version: string;
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

export interface ContextOptions {
  clock?: Clock;
  ids?: IdSource;
  /** The draw of the co-review sample (0 ≤ r < 1); Math.random by default. */
  random?: () => number;
  /** Reads pre-check materials; by default the tesseract pool configured by OCR_WORKERS. */
  ocr?: MaterialRecogniser;
}

export function createContext(config: Config, log: Logger, opts: ContextOptions = {}): AppContext {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const version = readVersion(config.repoRoot);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(databaseFile(config));
  const closers: Array<() => Promise<void> | void> = [
    () => {
      db.close();
    },
  ];
  const blobs = new FsBlobStore(config.dataDir, sqliteBlobIndex(db, clock));
  const ledger = new AuditLedger(db, clock);
  const auth = new AuthService(db, ledger, clock, ids, config.SESSION_TTL_HOURS * 3600_000);
  const site = { db, clock, ids, blobs, ledger, log };

  // Each feature module gets what it builds on, in this order; later ones register with earlier ones
  // (a bag's evidence with handoff, the pre-check's gate and upload listener with cases and materials).
  const { calendar, ...calendarFeature } = createCalendarModule(site);
  const { catalog, cases, ...casesFeature } = createCasesModule({ ...site, calendar });
  const { materials, ...materialsFeature } = createMaterialsModule({ ...site, catalog, cases, maxBytes: config.UPLOAD_MAX_BYTES });
  const { receipts, ...receiptFeature } = createReceiptModule({ ...site, cases, catalog, config });
  const { workLedger, ...workLedgerFeature } = createWorkLedgerModule({ db, clock, catalog, calendar });
  const { retention, ...retentionFeature } = createRetentionModule({
    ...site,
    cases,
    retentionDays: config.RETENTION_DAYS,
    sweepMinutes: config.RETENTION_SWEEP_MINUTES,
    // Scans and result documents are the case file itself: kept as long as the case.
    keptFiles: (sha) =>
      db
        .prepare('SELECT 1 FROM case_materials WHERE sha256 = ? UNION ALL SELECT 1 FROM case_results WHERE document_sha256 = ? LIMIT 1')
        .get(sha, sha) !== undefined,
  });
  const { reviewQa, ...reviewQaFeature } = createReviewQaModule({
    ...site,
    cases,
    catalog,
    sharePercent: config.REVIEW_SAMPLE_PERCENT,
    random: opts.random ?? Math.random,
  });
  const handoff = createHandoffModule({ ...site, cases, catalog, config, version, retention, calendar });
  const { steps, notifications, ...stepsFeature } = createStepsModule({
    ...site,
    cases,
    catalog,
    calendar,
    bags: handoff.bags,
    peers: handoff.peers,
    workLedger,
    remindHours: config.STEP_REMIND_HOURS,
    sweepMinutes: config.STEP_SWEEP_MINUTES,
  });
  const { corrections, ...correctionFeature } = createCorrectionModule({
    ...site,
    cases,
    catalog,
    config,
    auth,
    calendar,
    materials,
    evidence: handoff.evidence,
  });
  const { originals, ...originalsFeature } = createOriginalsModule({
    ...site,
    cases,
    catalog,
    limits: limitsFromConfig(config),
    evidence: handoff.evidence,
  });
  const ocr =
    opts.ocr ??
    ocrRecogniser(new OcrPool({ size: config.OCR_WORKERS, langPath: config.ocrDataDir, timeoutMs: config.OCR_JOB_TIMEOUT_MS, log }));
  const { precheck, ...precheckFeature } = createPrecheckModule({
    ...site,
    cases,
    catalog,
    materials,
    ocr,
    limits: limitsFromConfig(config),
    evidence: handoff.evidence,
  });
  const recording = recordingAvailability(config);
  const review = new ReviewSessionService({ db, clock, ids, ledger, blobs, config, auth }, cases, recording);
  const grants = new JoinGrantService({ ...site, keys: handoff.keys, peers: handoff.peers, catalog, review, precheck, materials });
  const { annotations, ...annotationsFeature } = createAnnotationsModule({
    db,
    clock,
    ids,
    ledger,
    cases,
    review,
    pages: precheck,
    evidence: handoff.evidence,
    corrections,
  });
  const { signatures, ...signatureFeature } = createSignatureModule({
    ...site,
    cases,
    catalog,
    review,
    evidence: handoff.evidence,
    receipts,
    retention,
  });
  const call = createCallModule({ config, log, auth, review, grants, annotations, signatures });
  const { recordings, ...reviewFeature } = createReviewModule({
    ...site,
    config,
    review,
    call,
    recording,
    evidence: handoff.evidence,
    grants,
    retention,
  });
  const federation = createFederationModule({
    ...site,
    config,
    peers: handoff.peers,
    keys: handoff.keys,
    grants,
    review,
    catalog,
    materials,
    precheck,
    reviewRecords: handoff.reviewRecords,
  });
  const features: Feature[] = [
    call,
    calendarFeature,
    casesFeature,
    materialsFeature,
    receiptFeature,
    workLedgerFeature,
    handoff,
    retentionFeature,
    reviewQaFeature,
    stepsFeature,
    createDashboardModule({ db, clock, catalog, steps }),
    correctionFeature,
    originalsFeature,
    signatureFeature,
    precheckFeature,
    annotationsFeature,
    reviewFeature,
    federation,
  ];
  for (const f of features) if (f.close) closers.push(() => f.close?.());

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
    calendar,
    retention,
    reviewQa,
    cases,
    materials,
    workLedger,
    review,
    grants,
    call,
    recordings,
    precheck,
    ocr,
    handoff,
    receipts,
    corrections,
    originals,
    annotations,
    signatures,
    federation,
    steps,
    notifications,
    features,
    version,
    onClose: (fn) => closers.push(fn),
    recoverInterrupted: () => {
      blobs.sweepTemp();
      for (const f of features) f.recoverInterrupted?.();
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
