import type { Router } from 'express';
import type { Server as SocketServer } from 'socket.io';
import type { AuditLedger } from './audit/AuditLedger';
import type { Clock, IdSource } from './clock';
import type { Logger } from './logger';
import type { BlobStore } from './storage/BlobStore';
import type { Db } from './storage/database';

/** The site's own services every feature module may build on (context.ts makes them first). */
export interface SiteServices {
  db: Db;
  clock: Clock;
  ids: IdSource;
  blobs: BlobStore;
  ledger: AuditLedger;
  log: Logger;
}

/**
 * A feature module as the rest of the server mounts it. context.ts builds the modules in the order
 * of their dependencies; api/ mounts their routes, realtime/ their socket handlers, and the
 * context runs their start-up recovery and shutdown.
 */
export interface Feature {
  /** REST routes under /api. */
  routes(): Router;
  /** Socket.io handlers pushing this feature's events. */
  realtime?(io: SocketServer): void;
  /** Clears up what a previous server process left half-done (server start only, never a CLI command). */
  recoverInterrupted?(): void;
  /** Stops what the module started; modules close in reverse order of creation. */
  close?(): Promise<void>;
}
