import { z } from 'zod';
import { freeText } from '../schemas/text';

/**
 * 身份核验 checklist, run by the reviewer while the applicant is on camera. Consent is recorded
 * before any step; 受理 needs every step passed. Pure: no clock, no randomness of its own.
 */
export const IDENTITY_STEPS = ['id_front', 'id_back', 'id_tilt', 'face_match', 'liveness'] as const;
export type IdentityStep = (typeof IDENTITY_STEPS)[number];

export const IDENTITY_STEP_LABELS: Record<IdentityStep, { zh: string; en: string; hintZh: string; hintEn: string }> = {
  id_front: {
    zh: '身份证正面',
    en: 'ID card front',
    hintZh: '请申请人将身份证人像面对准摄像头，核对姓名、号码与申请信息一致',
    hintEn: 'Ask the applicant to hold the photo side to the camera; check name and number match the application',
  },
  id_back: {
    zh: '身份证背面',
    en: 'ID card back',
    hintZh: '请申请人出示国徽面，核对签发机关和有效期限',
    hintEn: 'Ask for the emblem side; check the issuing authority and the validity period',
  },
  id_tilt: {
    zh: '倾斜查看防伪',
    en: 'Tilted (security features)',
    hintZh: '请申请人缓慢倾斜证件，查看光变油墨和彩虹印刷等防伪特征',
    hintEn: 'Ask the applicant to tilt the card slowly; look for the colour-shifting ink and rainbow printing',
  },
  face_match: {
    zh: '人证比对',
    en: 'Face vs ID photo',
    hintZh: '将实时画面中的面部与预审提取的证件照并排比对',
    hintEn: 'Compare the live face with the ID photo crop from the pre-check, side by side',
  },
  liveness: {
    zh: '活体检测',
    en: 'Liveness',
    hintZh: '生成随机口令，请申请人照做（读出数字或转头），确认是真人实时在场',
    hintEn: 'Generate a random prompt and ask the applicant to follow it (read digits aloud or turn the head)',
  },
};

export const ConsentRequestSchema = z.object({
  /** The applicant agrees to the session being recorded. */
  recordingAllowed: z.boolean(),
  /** The applicant agrees to snapshots being taken and kept as evidence. */
  snapshotsAllowed: z.boolean(),
  note: freeText(500, { lines: 'multi' }).optional(),
});
export type ConsentRequest = z.infer<typeof ConsentRequestSchema>;

export const CheckStepRequestSchema = z.object({
  step: z.enum(IDENTITY_STEPS),
  passed: z.boolean(),
  note: freeText(1000, { lines: 'multi' }).default(''),
});
export type CheckStepRequest = z.infer<typeof CheckStepRequestSchema>;

export interface CheckStepResult {
  step: IdentityStep;
  passed: boolean;
  note: string;
  checkedBy: string;
  checkedAt: string;
  /** For liveness: the prompt the applicant was asked to follow. */
  prompt?: LivenessPrompt;
}

export interface ChecklistStatus {
  /** Steps without a result yet, in order. */
  pending: IdentityStep[];
  failed: IdentityStep[];
  allPassed: boolean;
}

/** Latest result per step decides; a failed step may be re-checked. */
export function checklistStatus(results: readonly Pick<CheckStepResult, 'step' | 'passed'>[]): ChecklistStatus {
  const latest = new Map<IdentityStep, boolean>();
  for (const r of results) latest.set(r.step, r.passed);
  const pending = IDENTITY_STEPS.filter((s) => !latest.has(s));
  const failed = IDENTITY_STEPS.filter((s) => latest.get(s) === false);
  return { pending, failed, allPassed: pending.length === 0 && failed.length === 0 };
}

/* ---------- liveness prompts ---------- */

export const LIVENESS_KINDS = ['read_digits', 'turn_head', 'blink'] as const;
export type LivenessKind = (typeof LIVENESS_KINDS)[number];

export type LivenessPrompt =
  | { kind: 'read_digits'; digits: string; textZh: string; textEn: string }
  | { kind: 'turn_head'; direction: 'left' | 'right'; textZh: string; textEn: string }
  | { kind: 'blink'; times: 2 | 3; textZh: string; textEn: string };

/**
 * Builds a prompt from random numbers in [0, 1) supplied by the caller (the server's crypto
 * randomness), so the same inputs always give the same prompt in tests.
 */
export function livenessPrompt(random: () => number): LivenessPrompt {
  const pick = <T>(xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(random() * xs.length))] as T;
  const kind = pick(LIVENESS_KINDS);
  if (kind === 'read_digits') {
    const digits = Array.from({ length: 4 }, () => String(Math.min(9, Math.floor(random() * 10)))).join('');
    const spaced = digits.split('').join(' ');
    return { kind, digits, textZh: `请大声读出这四个数字：${spaced}`, textEn: `Please read these four digits aloud: ${spaced}` };
  }
  if (kind === 'turn_head') {
    const direction = pick(['left', 'right'] as const);
    return {
      kind,
      direction,
      textZh: direction === 'left' ? '请慢慢向左转头，再转回正面' : '请慢慢向右转头，再转回正面',
      textEn: `Please turn your head slowly to the ${direction}, then back to the front`,
    };
  }
  const times = pick([2, 3] as const);
  return { kind, times, textZh: `请眨眼 ${times} 次`, textEn: `Please blink ${times} times` };
}
