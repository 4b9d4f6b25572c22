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
};

/** The shared materials viewer's data for the grant's case; page `imageUrl`s are GRANT_API.page paths. */
export interface GrantCaseView {
  sessionId: string;
  caseId: string;
  caseNo: string;
  materials: MaterialView[];
  precheck: CasePrecheckResponse;
}
