import path from 'node:path';
import fs from 'node:fs';
import type { Config } from './config/config';
import type { Logger } from './logger';
import { openDatabase, type Db } from './storage/database';
import { FsBlobStore } from './storage/FsBlobStore';
import type { BlobStore } from './storage/BlobStore';
import { AuditLedger } from './audit/AuditLedger';
import { AuthService } from './auth/AuthService';
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
  version: string;
  sfu?: SfuHealthSource;
  ocr?: OcrHealthSource;
  /** Closes what the context opened, in reverse order. */
  close(): Promise<void>;
  onClose(fn: () => Promise<void> | void): void;
}

export function createContext(config: Config, log: Logger, opts: { clock?: Clock; ids?: IdSource } = {}): AppContext {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = openDatabase(path.join(config.dataDir, 'tongban.sqlite'));
  const blobs = new FsBlobStore(config.dataDir);
  blobs.sweepTemp();
  const ledger = new AuditLedger(db, clock);
  const auth = new AuthService(db, ledger, clock, ids, config.SESSION_TTL_HOURS * 3600_000);
  const closers: Array<() => Promise<void> | void> = [
    () => {
      db.close();
    },
  ];
  return {
    config,
    log,
    db,
    clock,
    ids,
    blobs,
    ledger,
    auth,
    version: readVersion(config.repoRoot),
    onClose: (fn) => closers.push(fn),
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
