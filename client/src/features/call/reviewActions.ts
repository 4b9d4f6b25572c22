import type { MaterialView } from '@tongban/shared';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';
import type { CheckStepRequest, ConsentRequest, LivenessPrompt } from '@tongban/shared/review/checklist';
import {
  GRANT_API,
  grantAuthorization,
  type GrantCaseView,
  type RemoteCallTicket,
  type RemoteDecisionAnswer,
} from '@tongban/shared/review/grantAccess';
import type { DecisionRequest, ReviewSessionView } from '@tongban/shared/review/session';
import { signatureImagePath } from '@tongban/shared/signature/signature';
import { api, ApiError } from '../../api/client';
import { reviewApi } from './reviewApi';

/** The shared viewer's data: the case's materials and its pre-check (page `imageUrl`s are paths for ReviewActions.images). */
export interface SharedMaterials {
  caseId: string;
  materials: MaterialView[];
  precheck: CasePrecheckResponse | null;
}

/** Where the viewer's page images come from: this site's own paths, or a peer site's read with a grant. */
export interface MaterialImages {
  /** The scan as uploaded, for a material the pre-check has not paged. */
  contentPath(materialId: string): string;
  /** Reads a path that `<img src>` cannot (it needs a header): the viewer shows the bytes as a blob: URL. */
  read?(path: string): Promise<Blob>;
}

/** How a decision sent to a peer site stands: `retrying` while the intake site has not been reached yet. */
export interface DecisionSent {
  delivery: 'delivered' | 'retrying';
}

/**
 * What the reviewer's desk does in a call, wherever the session lives: at this site (the login
 * cookie), or at the intake site of a cross-site co-review (the join grant; the decision is this
 * site's own, signed and sent there). The call screen's components use only this.
 */
export interface ReviewActions {
  consent(body: ConsentRequest): Promise<unknown>;
  liveness(): Promise<LivenessPrompt>;
  check(body: CheckStepRequest): Promise<unknown>;
  snapshot(image: Blob, label: string): Promise<unknown>;
  decide(body: DecisionRequest): Promise<DecisionSent | void>;
  images: MaterialImages;
  /** A snapshot's image, when this page may open it (a peer site's evidence stays there). */
  snapshotUrl?(snapshotId: string): string;
  /** The applicant's signature image, when this page may open it (as snapshots: not from a peer site). */
  signatureUrl?(imageSha256: string): string;
  /** The pre-check's crop of the ID photo. */
  idPhoto(): Promise<Response>;
}

const casePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}`;

/** The session at this site: the cookie routes of server/src/review/reviewRoutes.ts. */
export function localReviewActions(session: Pick<ReviewSessionView, 'id' | 'caseId'>): ReviewActions {
  const { id, caseId } = session;
  return {
    consent: (body) => reviewApi.consent(id, body),
    liveness: () => reviewApi.liveness(id),
    check: (body) => reviewApi.check(id, body),
    snapshot: (image, label) => reviewApi.snapshot(id, image, label),
    decide: async (body) => void (await reviewApi.decide(id, body)),
    images: { contentPath: (materialId) => `${casePath(caseId)}/materials/${encodeURIComponent(materialId)}/content` },
    snapshotUrl: (snapshotId) => reviewApi.snapshotUrl(id, snapshotId),
    signatureUrl: (sha) => signatureImagePath(caseId, sha),
    idPhoto: () => fetch(`${casePath(caseId)}/id-photo.png`, { credentials: 'same-origin' }),
  };
}

/**
 * A session at the intake site, joined from here with the ticket's grant: the checklist and
 * evidence are recorded there (GRANT_API, no cookie), the decision here (signed and sent there).
 */
export function remoteReviewActions(ticket: RemoteCallTicket): ReviewActions {
  const send = (path: string, init?: Parameters<typeof grantFetch>[2]) => grantFetch(ticket, path, init);
  const json = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await send(path, {
      method: 'POST',
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (await res.json()) as T;
  };
  return {
    consent: (body) => json<ReviewSessionView>(GRANT_API.consent, body),
    liveness: () => json<LivenessPrompt>(GRANT_API.liveness),
    check: (body) => json<ReviewSessionView>(GRANT_API.checks, body),
    snapshot: (image, label) =>
      send(`${GRANT_API.snapshots}?label=${encodeURIComponent(label)}`, {
        method: 'POST',
        headers: { 'content-type': image.type || 'image/jpeg' },
        body: image,
      }),
    async decide(body) {
      const answer = await api.post<RemoteDecisionAnswer>(`/api/review/remote/${encodeURIComponent(ticket.sessionId)}/decision`, body);
      // Recorded here, but the intake site refused it: the reviewer must see why.
      if (answer.delivery === 'refused') {
        const e = answer.error ?? {
          code: 'HTTP_409',
          message_zh: '受理站点拒收了审查结论',
          message_en: 'The intake site refused the decision',
        };
        throw new ApiError(409, e.code, e.message_zh, e.message_en);
      }
      return { delivery: answer.delivery };
    },
    images: { contentPath: GRANT_API.content, read: async (path) => (await send(path)).blob() },
    idPhoto: () => send(GRANT_API.idPhoto),
  };
}

/** The shared materials and pre-check of the grant's case, read at the intake site. */
export async function remoteMaterials(ticket: RemoteCallTicket): Promise<SharedMaterials> {
  const view = (await (await grantFetch(ticket, GRANT_API.case)).json()) as GrantCaseView;
  return { caseId: view.caseId, materials: view.materials, precheck: view.precheck };
}

/** The session as the intake site shows it to the grant (the page's first view, before the call's own updates). */
export async function remoteSession(ticket: RemoteCallTicket): Promise<ReviewSessionView> {
  return (await (await grantFetch(ticket, GRANT_API.session)).json()) as ReviewSessionView;
}

/** A request to the intake site with the grant as the only credential (never this site's or that site's cookie). */
async function grantFetch(
  ticket: RemoteCallTicket,
  path: string,
  init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {},
): Promise<Response> {
  const res = await fetch(`${ticket.intakeUrl}${path}`, {
    ...init,
    credentials: 'omit',
    headers: { accept: 'application/json', ...init.headers, authorization: grantAuthorization(ticket.grant) },
  }).catch((e: unknown) => {
    throw ApiError.network(e);
  });
  if (!res.ok) throw ApiError.fromBody(res.status, await res.json().catch(() => undefined));
  return res;
}
