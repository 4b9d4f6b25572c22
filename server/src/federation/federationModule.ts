import { randomInt } from 'node:crypto';
import { PEER_RETRY_POLICY } from '@tongban/shared/review/crossSite';
import type { CatalogService } from '../catalog/CatalogService';
import type { Config } from '../config/config';
import type { Feature, SiteServices } from '../feature';
import type { PeerSites } from '../handoff/peers';
import type { ReceivedReviews } from '../handoff/receivedReviews';
import type { SiteKeyring } from '../handoff/siteKeys';
import type { JoinGrantService } from '../review/joinGrants';
import type { MaterialService } from '../materials/MaterialService';
import type { PrecheckService } from '../precheck/PrecheckService';
import type { PeerReviewNotices, ReviewSessionService } from '../review/ReviewSessionService';
import { createFederationRoutes } from './federationRoutes';
import { IncomingCoReviews } from './incomingCoReviews';
import { IncomingDecisions } from './incomingDecisions';
import { PEER_ATTEMPT_TIMEOUT_MS, attempt, deliverDue, type DeliveryDeps } from './outboxDelivery';
import { OutgoingCoReviews } from './outgoingCoReviews';
import { OwnDecisions } from './ownDecisions';
import { Pacer } from './pacer';
import { RemoteCoReviews } from './remoteCoReviews';
import { SiteOutbox } from './siteOutbox';

export interface FederationDeps extends SiteServices {
  config: Pick<Config, 'SITE_ID' | 'REVIEW_REQUEST_TIMEOUT_MINUTES' | 'PEER_RETRY_INITIAL_MS' | 'PEER_RETRY_MAX_MS'>;
  peers: PeerSites;
  keys: Pick<SiteKeyring, 'siteId' | 'signingKey' | 'trustedKeys'>;
  /** Asks a peer's intake site for its join grant when this site's reviewer accepts there. */
  grants: Pick<JoinGrantService, 'request'>;
  /** The co-review sessions this module links to peer sites, times out, and records peers' decisions on. */
  review: Pick<ReviewSessionService, 'linkPeerSites' | 'timeOutWaiting' | 'sessionForPeer' | 'recordPeerDecision'>;
  catalog: Pick<CatalogService, 'itemForCase' | 'findOffice'>;
  materials: Pick<MaterialService, 'list'>;
  precheck: Pick<PrecheckService, 'precheckExport'>;
  /** Where this site's signed decisions are met again in the bags that bring their cases here. */
  reviewRecords: Pick<ReceivedReviews, 'keep'>;
  /** [0, 1) for the retry jitter; injected so tests are deterministic. */
  random?: () => number;
}

/** 跨站协同: co-review requests to and from peer sites, through a durable outbox and a signed inbox. */
export interface FederationModule extends Feature {
  outbox: SiteOutbox;
  incoming: IncomingCoReviews;
  remote: RemoteCoReviews;
  /** Runs the timed work (deliveries due, requests waited too long) soon instead of at its next time. */
  kick(): void;
}

export function createFederationModule({
  config,
  peers,
  keys,
  grants,
  review,
  catalog,
  materials,
  precheck,
  reviewRecords,
  random,
  ...site
}: FederationDeps): FederationModule {
  const { db, clock, log } = site;
  reviewRecords.keep(new OwnDecisions({ db, clock, ledger: site.ledger, siteId: config.SITE_ID }));
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
  const decisions = new IncomingDecisions({ peers, keys, catalog, review });
  const remote = new RemoteCoReviews({
    ...site,
    keys,
    peers,
    catalog,
    grants,
    outbox,
    deliverNow: async (m) => {
      await attempt(delivery, m, AbortSignal.timeout(PEER_ATTEMPT_TIMEOUT_MS));
      // Not delivered: the loop takes it from here, at the retry's time.
      pacer.kick();
    },
    queueChanged: (officeId) => notices.queueChanged(officeId),
  });
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
    remote,
    kick: () => pacer.kick(),
    routes: () => createFederationRoutes(incoming, decisions, remote),
    // Server start only: deliveries a previous process left pending resume, and the loop begins.
    recoverInterrupted: () => pacer.start(),
    close: () => pacer.close(),
  };
}
