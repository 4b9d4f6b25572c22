import { z } from 'zod';
import { addWorkingDays, type WorkCalendar } from '../cases/workdays';
import { freeText } from '../schemas/text';

/**
 * 好差评 by the national rules (国办发〔2019〕51号 and the local rules built on it): five levels, a
 * default when the applicant does not rate in time, a call-back and a rectification after a bad
 * rating, one 追评, and an appeal (申诉复核) against a mistaken or malicious rating decided by the
 * other office. Pure: the caller passes the clock's time and the calendar.
 */

/** Optional per-indicator ratings (1–5), as the evaluation systems ask them. */
export const RATING_INDICATORS = [
  { code: 'attitude', zh: '服务态度', en: 'Attitude' },
  { code: 'efficiency', zh: '办理效率', en: 'Speed' },
  { code: 'guidance', zh: '一次性告知', en: 'Told everything at once' },
  { code: 'convenience', zh: '办事便利', en: 'Convenience' },
  { code: 'result', zh: '办理结果', en: 'Outcome' },
] as const;
export type RatingIndicator = (typeof RATING_INDICATORS)[number]['code'];

const indicatorLevel = z.number().int().min(1).max(5);
export const RatingIndicatorsSchema = z.strictObject(
  Object.fromEntries(RATING_INDICATORS.map((i) => [i.code, indicatorLevel.optional()])) as Record<
    RatingIndicator,
    z.ZodOptional<typeof indicatorLevel>
  >,
);
export type RatingIndicators = z.infer<typeof RatingIndicatorsSchema>;

/** The periods of the rules; each site may set its own (config), these are the national ones. */
export interface RatingPeriods {
  /** Calendar days after 办结 without a rating before the default one is recorded. */
  defaultAfterDays: number;
  /** Working days after a bad rating to call the applicant back (回访). */
  callbackWorkdays: number;
  /** Working days after a bad rating to finish the rectification (整改). */
  rectifyWorkdays: number;
}
export const NATIONAL_RATING_PERIODS: RatingPeriods = { defaultAfterDays: 7, callbackWorkdays: 1, rectifyWorkdays: 15 };

/** The level recorded when the applicant did not rate in time: 满意. */
export const DEFAULT_RATING_LEVEL = 4;

/** When a completed case without a rating gets the default one. */
export function defaultRatingDue(completedAt: Date, periods: RatingPeriods): Date {
  return new Date(completedAt.getTime() + periods.defaultAfterDays * 86_400_000);
}

/** The China calendar days by which a bad rating must be called back and rectified. */
export function followUpDeadlines(ratedAt: Date, periods: RatingPeriods, cal: WorkCalendar): { callbackDue: string; rectifyDue: string } {
  return {
    callbackDue: addWorkingDays(ratedAt, periods.callbackWorkdays, cal),
    rectifyDue: addWorkingDays(ratedAt, periods.rectifyWorkdays, cal),
  };
}

/** POST /api/cases/:id/rating/append (the window) or /api/ratings/:token/append (the phone): 追评, once. */
export const RatingAppendSchema = z.strictObject({
  comment: freeText(500, { min: 1, minMessage: '请写下追加的评价', lines: 'multi' }),
});
export type RatingAppendRequest = z.infer<typeof RatingAppendSchema>;

/** POST /api/follow-ups/:id/callback: the supervisor called the applicant back. */
export const FollowUpCallbackSchema = z.strictObject({
  note: freeText(1000, { min: 1, minMessage: '请记录回访情况', lines: 'multi' }),
});

/** POST /api/cases/:id/rating/appeal: the rated office asks for the rating to be removed. */
export const RatingAppealSchema = z.strictObject({
  reason: freeText(1000, { min: 1, minMessage: '请写明申诉理由（误评或恶意差评的依据）', lines: 'multi' }),
});

/** POST /api/cases/:id/rating/appeal/decision: the other office's supervisor decides. */
export const RatingAppealDecisionSchema = z.strictObject({
  approve: z.boolean(),
  reason: freeText(1000, { min: 1, minMessage: '请写明复核意见', lines: 'multi' }),
});

export type AppealStatus = 'pending' | 'approved' | 'rejected';
