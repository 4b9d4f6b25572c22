import { z } from 'zod';
import type { ErrorSpec } from '../errors';
import { freeText } from '../schemas/text';
import type { DecisionOutcome } from '../review/session';

/**
 * 抽查复核 (review quality): a share of finished co-reviews, drawn at random, and every 不予受理 go
 * to a supervisor of the handling office for a second opinion — watch the recording, read the
 * checklist, agree or disagree with a note.
 */
export type SampleReason = 'random' | 'rejection';

/** Whether a decision is drawn: every rejection; otherwise when the draw (0 ≤ r < 1) falls in the share. */
export function sampleReason(outcome: DecisionOutcome, sharePercent: number, draw: number): SampleReason | undefined {
  if (outcome === 'reject') return 'rejection';
  return draw * 100 < sharePercent ? 'random' : undefined;
}

export interface ReviewSampleView {
  sessionId: string;
  caseId: string;
  caseNo: string;
  itemName: string;
  reason: SampleReason;
  outcome: DecisionOutcome;
  reviewerName: string | null;
  sampledAt: string;
  opinion: { agree: boolean; note: string; byName: string; at: string } | null;
}

export interface ReviewQaView {
  sharePercent: number;
  pending: ReviewSampleView[];
  done: ReviewSampleView[];
  figures: { sampled: number; agreed: number; disagreed: number; pending: number };
}

export const SecondOpinionSchema = z.strictObject({
  agree: z.boolean(),
  note: freeText(1000, { min: 1, minMessage: '请写明复核意见（看了什么、结论是否妥当）', lines: 'multi' }),
});
export type SecondOpinionRequest = z.infer<typeof SecondOpinionSchema>;

export const REVIEW_QA_ERRORS = {
  REVIEW_SAMPLE_DONE: { status: 409, zh: '该抽查已给出复核意见', en: 'This sample already has its second opinion' },
} as const satisfies Record<string, ErrorSpec>;
