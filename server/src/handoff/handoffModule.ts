import path from 'node:path';
import type { Config } from '../config/config';
import type { Db } from '../storage/database';
import type { Clock, IdSource } from '../clock';
import type { BlobStore } from '../storage/BlobStore';
import type { AuditLedger } from '../audit/AuditLedger';
import type { CaseService } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import { HandoffEvidence } from './evidence';
import { HandoffService, type HandoffDeps } from './HandoffService';
import { PeerSites } from './peers';
import { RatingService } from './RatingService';
import { ResultService } from './ResultService';
import { SiteKeyring } from './siteKeys';
import { TransferService } from './TransferService';

/** The handoff feature as the rest of the server sees it (ctx.handoff). */
export interface HandoffModule {
  keys: SiteKeyring;
  /** Pre-check and review register what they add to a bag here. */
  evidence: HandoffEvidence;
  peers: PeerSites;
  bags: HandoffService;
  transfers: TransferService;
  results: ResultService;
  ratings: RatingService;
}

export function createHandoffModule(d: {
  config: Config;
  db: Db;
  clock: Clock;
  ids: IdSource;
  blobs: BlobStore;
  ledger: AuditLedger;
  cases: CaseService;
  catalog: CatalogService;
  version: string;
}): HandoffModule {
  const keys = new SiteKeyring(path.join(d.config.dataDir, 'keys'), d.config.SITE_ID, d.config.PEER_KEYS_FILE);
  const evidence = new HandoffEvidence();
  const deps: HandoffDeps = {
    db: d.db,
    clock: d.clock,
    ids: d.ids,
    blobs: d.blobs,
    ledger: d.ledger,
    cases: d.cases,
    catalog: d.catalog,
    keys,
    evidence,
    siteId: d.config.SITE_ID,
    software: `Tongban Desk ${d.version}`,
    maxBagBytes: d.config.HANDOFF_MAX_BYTES,
  };
  const peers = new PeerSites(d.config.PEER_SITES, keys, () => d.clock.now());
  const bags = new HandoffService(deps);
  return {
    keys,
    evidence,
    peers,
    bags,
    transfers: new TransferService({ ...deps, tmpDir: path.join(d.config.dataDir, 'tmp') }, bags, peers),
    results: new ResultService({ ...deps, uploadMaxBytes: d.config.UPLOAD_MAX_BYTES }, bags, peers),
    ratings: new RatingService(deps),
  };
}
