import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '@tongban/shared';
import { CoReviewDecisionSchema, SignedDecisionSchema } from '@tongban/shared/review/crossSite';
import type { ReviewStatus } from '@tongban/shared/review/session';
import { parse } from '../api/http';
import type { CatalogService } from '../catalog/CatalogService';
import type { PeerSites } from '../handoff/peers';
import type { SiteKeyring } from '../handoff/siteKeys';
import { verifyEnvelope } from '../handoff/siteSigning';
import { peerDisplayName } from '../review/joinGrants';
import type { ReviewSessionService } from '../review/ReviewSessionService';
import { COREVIEW_PATHS } from './coReviewMessages';

const DECISION_MAX_BYTES = 256 * 1024;

export interface IncomingDecisionDeps {
  peers: Pick<PeerSites, 'receiveJson'>;
  keys: Pick<SiteKeyring, 'trustedKeys'>;
  catalog: Pick<CatalogService, 'findOffice'>;
  review: Pick<ReviewSessionService, 'sessionForPeer' | 'recordPeerDecision'>;
}

export interface DecisionAck {
  sessionId: string;
  decisionId: string;
  status: ReviewStatus;
}

/**
 * 审查结论 at the intake site: a decision on one of its sessions, made at the peer site hosting
 * the case's handling office. Its own signature (not only the request's) must be that site's, so
 * the decision kept here stays verifiable; its reviewer must be of the case's handling office.
 */
export class IncomingDecisions {
  constructor(private readonly deps: IncomingDecisionDeps) {}

  async receive(headers: IncomingHttpHeaders, body: AsyncIterable<unknown>): Promise<DecisionAck> {
    const { peers, keys, catalog, review } = this.deps;
    const { request, json } = await peers.receiveJson(headers, body, COREVIEW_PATHS.decision, DECISION_MAX_BYTES);
    const envelope = parse(SignedDecisionSchema, json);
    if (!verifyEnvelope(envelope, keys.trustedKeys(), request.site))
      throw new AppError('REVIEW_DECISION_SIGNATURE_INVALID', { details: { site: request.site } });
    const decision = parse(CoReviewDecisionSchema, envelope.payload);
    const { c } = review.sessionForPeer(decision.sessionId);
    const handlingSite = catalog.findOffice(c.handlingOfficeId)?.siteId;
    if (
      handlingSite !== request.site ||
      decision.decidedBy.siteId !== request.site ||
      decision.decidedBy.officeId !== c.handlingOfficeId ||
      decision.caseNo !== c.caseNo
    )
      throw new AppError('REVIEW_DECISION_SITE_MISMATCH', {
        details: { site: request.site, sessionId: decision.sessionId, handlingOfficeId: c.handlingOfficeId },
      });
    const view = review.recordPeerDecision(decision, { ...envelope, payload: decision }, peerDisplayName(decision.decidedBy, catalog));
    return { sessionId: decision.sessionId, decisionId: decision.decisionId, status: view.status };
  }
}
