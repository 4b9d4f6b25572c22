import type { MaterialView, ServiceItem } from '@tongban/shared';
import { maskIdNumber } from '@tongban/shared/cases/masking';
import { verdictOf, type Finding } from '@tongban/shared/precheck/types';
import { CoReviewRequestSchema, type CoReviewRequest } from '@tongban/shared/review/crossSite';
import type { CaseRecord } from '../cases/CaseService';
import type { PrecheckService } from '../precheck/PrecheckService';

/** The inboxes for co-review messages (signed site-to-site requests): the handling site's, and the intake site's for decisions. */
export const COREVIEW_PATHS = {
  request: '/api/sites/co-reviews',
  withdrawal: '/api/sites/co-reviews/withdrawals',
  /** At the intake site: the handling site's signed decision (SignedDecision). */
  decision: '/api/sites/co-reviews/decisions',
} as const;

/** The largest co-review message a site accepts (a thousand findings fit well inside). */
export const COREVIEW_MESSAGE_MAX_BYTES = 1024 * 1024;

export type PrecheckExport = ReturnType<PrecheckService['precheckExport']>;

/** A pre-check finding as the shared contract carries it: the Finding's own fields, nothing of this site's bookkeeping. */
function findingOf(materialId: string, f: Finding) {
  return {
    materialId,
    rule: f.rule,
    severity: f.severity,
    code: f.code,
    message_zh: f.message_zh,
    message_en: f.message_en,
    ...(f.page !== undefined ? { page: f.page } : {}),
    ...(f.bbox ? { bbox: f.bbox } : {}),
    ...(f.fieldKey ? { fieldKey: f.fieldKey } : {}),
  };
}

/**
 * 会审请求 for the handling office's site: what its reviewer needs before accepting — the case,
 * the item, the applicant with the ID number masked, the pre-check's standing findings (those not
 * overridden) and the materials list. Parsed with the contract's own schema, which masks ID
 * numbers in the free texts, so what is stored and sent is exactly what the peer will accept.
 */
export function coReviewRequestOf(p: {
  sessionId: string;
  requestedAt: string;
  c: CaseRecord;
  item: ServiceItem;
  materials: MaterialView[];
  precheck: PrecheckExport;
}): CoReviewRequest {
  const slotName = new Map(p.item.materials.map((s) => [s.code, s.name]));
  const checked = new Map(p.precheck.materials.map((m) => [m.materialId, m]));
  const findings = p.materials.flatMap((m) =>
    (checked.get(m.id)?.findings ?? []).filter((f) => !f.override).map((f) => findingOf(m.id, f)),
  );
  const anyChecked = p.precheck.materials.some((m) => m.verdict !== null);
  return CoReviewRequestSchema.parse({
    kind: 'tongban.coreview.request.v1',
    sessionId: p.sessionId,
    caseId: p.c.id,
    caseNo: p.c.caseNo,
    item: { code: p.item.code, name: p.item.name },
    intakeOfficeId: p.c.intakeOfficeId,
    handlingOfficeId: p.c.handlingOfficeId,
    applicant: { name: p.c.applicant.name, idNumberMasked: maskIdNumber(p.c.applicant.idNumber) },
    precheck: {
      verdict: anyChecked ? verdictOf(findings) : 'none',
      blocking: findings.filter((f) => f.severity === 'block').length,
      warnings: findings.filter((f) => f.severity === 'warn').length,
      missingSlots: p.precheck.missingSlots,
      findings,
    },
    materials: p.materials.map((m) => {
      const pages = checked.get(m.id)?.pages.length ?? 0;
      return {
        id: m.id,
        slotCode: m.slotCode,
        slotName: slotName.get(m.slotCode) ?? m.slotCode,
        fileName: m.fileName,
        mediaType: m.mediaType,
        size: m.size,
        ...(pages > 0 ? { pages } : {}),
      };
    }),
    requestedAt: p.requestedAt,
  });
}
