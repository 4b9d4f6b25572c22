import { z } from 'zod';
import { freeText, plainText } from '../schemas/text';
import type { ExtractedField, Finding, MaterialVerdict, OcrLine } from './types';

/** REST and socket contract of the pre-check, shared by server and client. */

const REASON_MIN = 'reason: say why (at least 2 characters)';

export const CorrectionRequestSchema = z.object({
  materialId: z.string().min(1).max(100),
  fieldKey: z.string().min(1).max(100),
  /** The field as it should read (an ID number in full, like the case's own record): not masked. */
  value: plainText(500, { min: 1 }),
  reason: freeText(500, { min: 2, minMessage: REASON_MIN, lines: 'multi' }),
});
export type CorrectionRequest = z.infer<typeof CorrectionRequestSchema>;

export const OverrideRequestSchema = z.object({
  materialId: z.string().min(1).max(100),
  /** A finding's key (`CODE`, `CODE@page`, `CODE:field`) or its plain code (overrides every finding with it). */
  findingCode: z.string().min(1).max(200),
  reason: freeText(500, { min: 2, minMessage: REASON_MIN, lines: 'multi' }),
});
export type OverrideRequest = z.infer<typeof OverrideRequestSchema>;

export const RunPrecheckRequestSchema = z.object({ materialId: z.string().min(1).max(100).optional() }).default({});

export type PrecheckJobStatus = 'queued' | 'running' | 'done' | 'failed';
export type PrecheckStageName = 'queued' | 'preparing' | 'recognising' | 'fields' | 'done' | 'failed';

export interface CorrectionView {
  id: string;
  fieldKey: string;
  value: string;
  reason: string;
  actorId: string;
  at: string;
}
export interface OverrideView {
  id: string;
  findingKey: string;
  reason: string;
  actorId: string;
  at: string;
}

export interface PrecheckPageView {
  index: number;
  width: number;
  height: number;
  dpi?: number;
  rotationDeg: number;
  meanConfidence: number;
  /** The normalised page image the boxes refer to. */
  imageUrl: string;
  lines: OcrLine[];
}

export interface PrecheckFieldView extends ExtractedField {
  /** What OCR read, when the clerk corrected it. */
  ocrValue?: string;
  corrected: boolean;
}

export interface PrecheckFindingView extends Finding {
  key: string;
  override?: OverrideView;
}

export interface MaterialPrecheckView {
  materialId: string;
  slotCode: string;
  fileName: string;
  status: PrecheckJobStatus | 'none';
  jobId?: string;
  error?: { code: string; message_zh: string; message_en: string };
  /** pass/warn/block after overrides; absent until a result exists. */
  verdict?: MaterialVerdict;
  pages: PrecheckPageView[];
  fields: PrecheckFieldView[];
  findings: PrecheckFindingView[];
  corrections: CorrectionView[];
  overrides: OverrideView[];
}

export interface CasePrecheckResponse {
  caseId: string;
  materials: MaterialPrecheckView[];
  /** Required slots with no material yet. */
  missingSlots: Array<{ code: string; name: string }>;
  /** Unresolved block findings across materials. */
  blocking: number;
  pending: number;
  /** Whether the clerk may fire `precheck` now. */
  ready: boolean;
}

/** Socket events (server → client), in the rooms of the requesting user and the intake office. */
export interface PrecheckProgressEvent {
  jobId: string;
  caseId: string;
  materialId: string;
  stage: PrecheckStageName;
  /** 0–1 within the whole job. */
  progress: number;
}
export interface PrecheckDoneEvent {
  jobId: string;
  caseId: string;
  materialId: string;
  status: 'done' | 'failed';
  verdict?: MaterialVerdict;
  error?: { code: string; message_zh: string; message_en: string };
}
export const PRECHECK_EVENTS = { progress: 'precheck:progress', done: 'precheck:done' } as const;
