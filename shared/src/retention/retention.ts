import { z } from 'zod';
import type { ErrorSpec } from '../errors';
import { freeText } from '../schemas/text';

/**
 * 保存期限: the call's evidence (recordings, snapshots, signatures, and the bags carrying them) is
 * kept for a set period after the case closes, then deleted; a legal hold keeps it. What was
 * deleted stays named, with its hash, in the audit trail.
 */
export interface RetentionView {
  /** When the case closed (its last transition into a final state); absent while it is open. */
  closedAt?: string;
  /** The China calendar day after which its evidence is deleted. */
  keepUntil?: string;
  retentionDays: number;
  hold?: { reason: string; setByName: string; setAt: string };
  /** Evidence already deleted: when, and how many files. */
  purged?: { at: string; files: number };
}

export const LegalHoldRequestSchema = z.strictObject({
  reason: freeText(500, { min: 1, minMessage: '请写明保全原因（如诉讼、复议、投诉调查）', lines: 'multi' }),
});
export type LegalHoldRequest = z.infer<typeof LegalHoldRequestSchema>;

export const retentionPath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}/retention`;

export const RETENTION_ERRORS = {
  RETENTION_PURGED: {
    status: 410,
    zh: '该文件已按保存期限删除，审计记录中保留了它的哈希值',
    en: 'This file was deleted at the end of its retention period; the audit trail keeps its hash',
  },
  LEGAL_HOLD_EXISTS: {
    status: 409,
    zh: '该办件已处于保全状态',
    en: 'This case is already on legal hold',
  },
  LEGAL_HOLD_NONE: {
    status: 409,
    zh: '该办件没有保全，无需解除',
    en: 'This case is not on legal hold',
  },
} as const satisfies Record<string, ErrorSpec>;
