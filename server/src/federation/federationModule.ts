import { randomInt } from 'node:crypto';
import { PEER_RETRY_POLICY } from '@tongban/shared/review/crossSite';
import type { CatalogService } from '../catalog/CatalogService';
import type { Config } from '../config/config';
import type { Feature, SiteServices } from '../feature';
import type { PeerSites } from '../handoff/peers';
import type { MaterialService } from '../materials/MaterialService';
import type { PrecheckService } from '../precheck/PrecheckService';
import type { PeerReviewNotices, ReviewSessionService } from '../review/ReviewSessionService';
import { createFederationRoutes } from './federationRoutes';
import { IncomingCoReviews } from './incomingCoReviews';
import { deliverDue, type DeliveryDeps } from './outboxDelivery';
import { OutgoingCoReviews } from './outgoingCoReviews';
import { Pacer } from './pacer';
import { SiteOutbox } from './siteOutbox';

export interface FederationDeps extends SiteServices {
  config: Pick<Config, 'SITE_ID' | 'REVIEW_REQUEST_TIMEOUT_MINUTES' | 'PEER_RETRY_INITIAL_MS' | 'PEER_RETRY_MAX_MS'>;
  peers: PeerSites;
  /** The co-review sessions this module links to peer sites, and times out. */
  review: Pick<ReviewSessionService, 'linkPeerSites' | 'timeOutWaiting'>;
  catalog: Pick<CatalogService, 'getItem' | 'findOffice'>;
  materials: Pick<MaterialService, 'list'>;
  precheck: Pick<PrecheckService, 'precheckExport'>;
  /** [0, 1) for the retry jitter; injected so tests are deterministic. */
  random?: () => number;
}

/** 跨站协同: co-review requests to and from peer sites, through a durable outbox and a signed inbox. */
export interface FederationModule extends Feature {
  outbox: SiteOutbox;
  incoming: IncomingCoReviews;
  /** Runs the timed work (deliveries due, requests waited too long) soon instead of at its next time. */
  kick(): void;
}

export function createFederationModule({
  config,
  peers,
  review,
  catalog,
  materials,
  precheck,
  random,
  ...site
}: FederationDeps): FederationModule {
  const { db, clock, log } = site;
  const outbox = new SiteOutbox(site);
  const retry = { ...PEER_RETRY_POLICY, initialMs: config.PEER_RETRY_INITIAL_MS, maxMs: config.PEER_RETRY_MAX_MS };
  const timeoutMs = config.REVIEW_REQUEST_TIMEOUT_MINUTES * 60_000;
  const delivery: DeliveryDeps = {
    outbox,
    peers,
    clock,
    log,
    retry,
    random: random ?? (() => randomInt(0, 1_000_000) / 1_000_000),
    onAttempt: (m) => {
      if (m.kind === 'coreview.request') notices.deliveryChanged(m.sessionId);
    },
  };
  const pacer = new Pacer(
    async (signal) => {
      const timeoutDue = review.timeOutWaiting(timeoutMs);
      const deliveryDue = await deliverDue(delivery, signal);
      return [timeoutDue, deliveryDue].filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];
    },
    clock,
    log,
  );
  const incoming = new IncomingCoReviews({ db, clock, ledger: site.ledger, catalog, peers, siteId: config.SITE_ID }, (officeId) =>
    notices.queueChanged(officeId),
  );
  const outgoing = new OutgoingCoReviews({ outbox, peers, clock, catalog, materials, precheck }, () => pacer.kick());
  const notices: PeerReviewNotices = review.linkPeerSites({
    requested: (sessionId, c, requestedAt) => outgoing.requested(sessionId, c, requestedAt),
    withdrawn: (sessionId, reason) => outgoing.withdrawn(sessionId, reason),
    delivery: (sessionId) => outgoing.delivery(sessionId),
    remoteQueue: (officeId) => incoming.queueFor(officeId),
  });
  return {
    outbox,
    incoming,
    kick: () => pacer.kick(),
    routes: () => createFederationRoutes(incoming),
    // Server start only: deliveries a previous process left pending resume, and the loop begins.
    recoverInterrupted: () => pacer.start(),
    close: () => pacer.close(),
  };
}
