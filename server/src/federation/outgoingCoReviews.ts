import { CoReviewWithdrawalSchema, type CoReviewWithdrawal } from '@tongban/shared/review/crossSite';
import type { PeerDeliveryView } from '@tongban/shared/review/session';
import type { CaseRecord } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { Clock } from '../clock';
import type { PeerSites } from '../handoff/peers';
import type { MaterialService } from '../materials/MaterialService';
import type { PrecheckService } from '../precheck/PrecheckService';
import { COREVIEW_PATHS, coReviewRequestOf } from './coReviewMessages';
import type { OutboxEntry, SiteOutbox } from './siteOutbox';

export interface OutgoingDeps {
  outbox: SiteOutbox;
  peers: Pick<PeerSites, 'forOffice'>;
  clock: Clock;
  catalog: Pick<CatalogService, 'itemForCase'>;
  materials: Pick<MaterialService, 'list'>;
  precheck: Pick<PrecheckService, 'precheckExport'>;
}

/**
 * At the intake site: a co-review of a case whose handling office a peer site hosts goes there as
 * a request, and leaves that site's queue by a withdrawal. Both are queued in the session's own
 * transaction and sent by the delivery loop (`sent` wakes it once the transaction has committed).
 */
export class OutgoingCoReviews {
  constructor(
    private readonly deps: OutgoingDeps,
    private readonly sent: () => void,
  ) {}

  /** In the request's transaction: the peer site it goes to, or undefined when this site hosts the handling office. */
  requested(sessionId: string, c: CaseRecord, requestedAt: string): string | undefined {
    const peer = this.deps.peers.forOffice(c.handlingOfficeId);
    if (!peer) return undefined;
    const request = coReviewRequestOf({
      sessionId,
      requestedAt,
      c,
      item: this.deps.catalog.itemForCase(c),
      materials: this.deps.materials.list(c.id),
      precheck: this.deps.precheck.precheckExport(c.id),
    });
    // The session id is the request's identity at the peer: a retry never queues it twice.
    this.queue({
      peerSite: peer.id,
      kind: 'coreview.request',
      idempotencyKey: sessionId,
      sessionId,
      caseId: c.id,
      body: JSON.stringify(request),
    });
    return peer.id;
  }

  /** In the transaction that ends the waiting session: withdraws the request where it went (not if the peer refused it). */
  withdrawn(sessionId: string, reason: CoReviewWithdrawal['reason']): void {
    const request = this.deps.outbox.find(sessionId, 'coreview.request');
    if (!request || request.state === 'failed') return;
    const withdrawal: CoReviewWithdrawal = CoReviewWithdrawalSchema.parse({
      kind: 'tongban.coreview.withdrawal.v1',
      sessionId,
      reason,
      at: this.deps.clock.now().toISOString(),
    });
    this.queue({
      peerSite: request.peerSite,
      kind: 'coreview.withdrawal',
      idempotencyKey: `${sessionId}.withdrawal`,
      sessionId,
      caseId: request.caseId,
      body: JSON.stringify(withdrawal),
    });
  }

  delivery(sessionId: string): PeerDeliveryView | undefined {
    return this.deps.outbox.deliveryView(sessionId);
  }

  private queue(m: Omit<OutboxEntry, 'path'>): void {
    this.deps.outbox.enqueue({ ...m, path: m.kind === 'coreview.request' ? COREVIEW_PATHS.request : COREVIEW_PATHS.withdrawal });
    this.sent();
  }
}
