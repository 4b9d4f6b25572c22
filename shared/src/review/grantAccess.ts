import type { CasePrecheckResponse } from '../precheck/api';
import type { MaterialView } from '../schemas/cases';

/**
 * What a peer site's reviewer reads from the intake site with a join grant (crossSite.ts), having
 * no login there: the call on `/rtc` (`auth: { grant }`, then `auth: { rejoin }` with the key the
 * join answered), and over HTTP the shared materials of that one case while its session is live,
 * the grant sent as `Authorization: Grant <grantId>`. Paths are on the intake site's origin.
 */

export const GRANT_AUTH_SCHEME = 'Grant';

export function grantAuthorization(grantId: string): string {
  return `${GRANT_AUTH_SCHEME} ${grantId}`;
}

export const GRANT_API = {
  /** GrantCaseView. */
  case: '/api/sites/grant/case',
  /** The pre-check's normalised page image (what the finding boxes refer to); `page` counts from 1. */
  page: (materialId: string, page: number) => `/api/sites/grant/materials/${encodeURIComponent(materialId)}/pages/${page}.png`,
  /** The scan as uploaded (an image the pre-check has not paged yet). */
  content: (materialId: string) => `/api/sites/grant/materials/${encodeURIComponent(materialId)}/content`,
  /** The ID photo the pre-check located on the ID card front (PNG), for the face comparison. */
  idPhoto: '/api/sites/grant/id-photo.png',
  /** ReviewSessionView of the grant's session. */
  session: '/api/sites/grant/session',
  /** POST ConsentRequest → ReviewSessionView. */
  consent: '/api/sites/grant/consent',
  /** POST (no body) → LivenessPrompt: a fresh prompt issued by the intake site. */
  liveness: '/api/sites/grant/liveness',
  /** POST CheckStepRequest → ReviewSessionView. */
  checks: '/api/sites/grant/checks',
  /** POST the image bytes (image/jpeg or image/png), `?label=` → ReviewSnapshotView. */
  snapshots: '/api/sites/grant/snapshots',
};

/** The shared materials viewer's data for the grant's case; page `imageUrl`s are GRANT_API.page paths. */
export interface GrantCaseView {
  sessionId: string;
  caseId: string;
  caseNo: string;
  materials: MaterialView[];
  precheck: CasePrecheckResponse;
}

/**
 * What the handling site answers its reviewer's accept of a peer site's co-review: the grant to
 * open the call and the session's reads at `intakeUrl` (the intake site's origin), minutes long.
 */
export interface RemoteCallTicket {
  sessionId: string;
  caseNo: string;
  /** The service item's code (the catalogue is the same at every site): its material slots for 补正. */
  itemCode: string;
  intakeSite: string;
  /** 广东省站点 */
  intakeSiteName: string;
  intakeUrl: string;
  /** The join grant's id: send it as `Authorization: Grant <grant>` (grantAuthorization), never in a URL. */
  grant: string;
  expiresAt: string;
}

/**
 * What the handling site answers its reviewer's decision on a peer site's co-review: recorded and
 * signed here; `delivered` once the intake site has recorded it too, `retrying` while it has not
 * been reached yet, `refused` if it refused it (its error in `error`).
 */
export interface RemoteDecisionAnswer {
  decisionId: string;
  delivery: 'delivered' | 'retrying' | 'refused';
  error?: { code: string; message_zh: string; message_en: string };
}
