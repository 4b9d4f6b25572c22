import path from 'node:path';
import type { Config } from '../config/config';
import type { Feature } from '../feature';
import { periodicJob } from '../periodicJob';
import { HandoffEvidence } from './evidence';
import { attachHandoffRealtime } from './handoffRealtime';
import { createHandoffRoutes, type HandoffRouteDeps } from './handoffRoutes';
import { HandoffService, type HandoffDeps } from './HandoffService';
import { PeerSites } from './peers';
import { Envelopes } from './envelopes';
import { ReceivedEvidenceService } from './receivedEvidence';
import { ReceivedReviews } from './receivedReviews';
import { ReceivingService } from './ReceivingService';
import { RatingService } from './RatingService';
import { ResultService } from './ResultService';
import { SiteKeyring } from './siteKeys';
import { TransferService } from './TransferService';
import type { RetentionService } from '../retention/RetentionService';
import { tableFiles } from '../retention/tableFiles';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import type { Logger } from '../logger';

/**
 * The handoff feature as the rest of the server sees it (ctx.handoff). `received`: at the handling
 * site, the co-review record inside a bag received by transfer.
 */
export interface HandoffModule extends HandoffRouteDeps, Feature {
  /** Pre-check and review register what they add to a bag here. */
  evidence: HandoffEvidence;
  /** The federation keeps its record of a received bag's co-review here. */
  reviewRecords: ReceivedReviews;
  peers: PeerSites;
}

/** The site's services the handoff module builds on (the rest of HandoffDeps it makes itself). */
type SiteServices = Pick<HandoffDeps, 'db' | 'clock' | 'ids' | 'blobs' | 'ledger' | 'cases' | 'catalog'> & { log: Logger };

export function createHandoffModule({
  config,
  version,
  retention,
  calendar,
  ...services
}: SiteServices & {
  config: Config;
  version: string;
  retention: Pick<RetentionService, 'register'>;
  calendar: WorkCalendarSource;
}): HandoffModule {
  // A bag carries the call's recordings and snapshots, so it is deleted with them: the sent one, and the one received.
  retention.register('bag', tableFiles(services.db, 'handoff_bags', 'bag_sha256'));
  retention.register('received-bag', tableFiles(services.db, 'transfers', 'body_sha256', "direction = 'in'"));
  const keys = new SiteKeyring(path.join(config.dataDir, 'keys'), config.SITE_ID, config.PEER_KEYS_FILE);
  const evidence = new HandoffEvidence();
  const reviewRecords = new ReceivedReviews();
  const deps: HandoffDeps = {
    ...services,
    keys,
    evidence,
    reviewRecords,
    envelopes: new Envelopes(services),
    siteId: config.SITE_ID,
    software: `Tongban Desk ${version}`,
    maxBagBytes: config.HANDOFF_MAX_BYTES,
  };
  const peers = new PeerSites(config.PEER_SITES, keys, services.catalog, () => services.clock.now());
  const bags = new HandoffService(deps, peers);
  const handoff: HandoffRouteDeps = {
    keys,
    bags,
    transfers: new TransferService({ ...deps, tmpDir: path.join(config.dataDir, 'tmp') }, bags, peers),
    results: new ResultService({ ...deps, uploadMaxBytes: config.UPLOAD_MAX_BYTES }, bags, peers),
    ratings: new RatingService({
      ...deps,
      calendar,
      periods: {
        defaultAfterDays: config.RATING_DEFAULT_DAYS,
        callbackWorkdays: config.RATING_CALLBACK_WORKDAYS,
        rectifyWorkdays: config.RATING_RECTIFY_WORKDAYS,
      },
    }),
    received: new ReceivedEvidenceService(deps),
    receiving: new ReceivingService(deps, bags),
  };
  // The default rating of cases left unrated: looked for hourly, by the serving process only.
  const defaults = periodicJob(services.log, 'ratings: default ratings', 60, () => handoff.ratings.applyDefaults());
  return {
    ...handoff,
    evidence,
    reviewRecords,
    peers,
    routes: () => createHandoffRoutes(handoff, services.blobs),
    realtime: (io) => attachHandoffRealtime(bags, io),
    recoverInterrupted: () => defaults.start(),
    close: () => defaults.stop(),
  };
}
