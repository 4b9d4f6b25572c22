import { z } from 'zod';
import { freeText } from '../schemas/text';

/**
 * 已核验原件: the window's clerk records that a scan was compared with the applicant's original —
 * the paper at the window, or the original held under the document camera in the video call.
 * Copies printed or exported from such a scan carry the standard wording with the clerk and the
 * date; the reviewer and the handling office see the mark.
 */

export const ORIGINAL_CHECK_METHODS = ['window_paper', 'call_document_camera'] as const;
export type OriginalCheckMethod = (typeof ORIGINAL_CHECK_METHODS)[number];

export const ORIGINAL_CHECK_METHOD_LABELS: Record<OriginalCheckMethod, { zh: string; en: string }> = {
  window_paper: { zh: '窗口纸质原件', en: 'Paper original at the window' },
  call_document_camera: { zh: '视频文件摄像头', en: 'Document camera in the video call' },
};

/** The standard wording on every page of a copy checked against its original. */
export const CERTIFIED_COPY_WORDING = '此件经与原件核对无误';

/** The mark on a scan (MaterialView.originalCheck), as the case page shows it and the bag's case.json carries it. */
export interface OriginalCheckView {
  method: OriginalCheckMethod;
  note?: string;
  /** Who compared it, as people read it (at the handling site: as the intake site named them). */
  checkedByName: string;
  checkedAt: string;
}

/** POST /api/cases/:id/materials/:materialId/original-check */
export const OriginalCheckRequestSchema = z.strictObject({
  method: z.enum(ORIGINAL_CHECK_METHODS),
  note: freeText(200).optional(),
});
export type OriginalCheckRequest = z.infer<typeof OriginalCheckRequestSchema>;

/** POST /api/cases/:id/materials/:materialId/original-check/withdrawal: a mark recorded by mistake. */
export const WithdrawOriginalCheckSchema = z.strictObject({
  reason: freeText(500, { min: 1, minMessage: '请写明撤销核验标记的原因', lines: 'multi' }),
});
export type WithdrawOriginalCheckRequest = z.infer<typeof WithdrawOriginalCheckSchema>;

const materialPath = (caseId: string, materialId: string) =>
  `/api/cases/${encodeURIComponent(caseId)}/materials/${encodeURIComponent(materialId)}`;
export const originalCheckPath = (caseId: string, materialId: string) => `${materialPath(caseId, materialId)}/original-check`;
/** The scan's pages on A4 with the wording, the clerk, the office and the date on each (打印核验件). */
export const certifiedCopyPath = (caseId: string, materialId: string) => `${materialPath(caseId, materialId)}/certified.pdf`;
