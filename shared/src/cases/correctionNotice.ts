import { z } from 'zod';
import { CorrectionItemSchema } from '../review/session';
import { freeText } from '../schemas/text';

/**
 * 补正材料通知书 (一次性告知): everything the applicant must correct, told at once, on paper they
 * take home, with the date to bring it by. Issued with the 补正 decision; replaced only by
 * withdrawing it with a reason.
 */

/** 补正期限 when the catalogue item does not set its own, in working days. */
export const DEFAULT_CORRECTION_DAYS = 10;

export interface CorrectionNoticeItem {
  slotCode: string;
  /** The material as the catalogue names it. */
  materialName: string;
  reason: string;
  /** The mark on the shared materials the item was made from (its crop is printed with the item). */
  annotationId?: string;
}

export interface CorrectionNoticeView {
  id: string;
  /** 1 for the first notice of the case, 2 for the one that replaced it, … */
  seq: number;
  items: CorrectionNoticeItem[];
  note?: string;
  /** The last day (China calendar date, YYYY-MM-DD) to bring the corrected materials. */
  resubmitBy: string;
  issuedByName: string;
  issuedAt: string;
  withdrawn?: { at: string; reason: string; byName: string };
}

/** POST /api/cases/:id/correction-notice: the handling office changes the list — the notice in force is withdrawn with `reason`. */
export const ReissueNoticeRequestSchema = z.strictObject({
  items: z.array(CorrectionItemSchema).min(1, '请至少列出一项需要补正的材料').max(50),
  note: freeText(2000, { lines: 'multi' }).optional(),
  reason: freeText(500, { min: 1, minMessage: '请写明撤回原通知书的原因', lines: 'multi' }),
});
export type ReissueNoticeRequest = z.infer<typeof ReissueNoticeRequestSchema>;

export const correctionNoticePath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}/correction-notice`;
