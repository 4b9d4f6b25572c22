import { z } from 'zod';
import { CASE_STATES } from './stateMachine';

/**
 * Live case updates on the default socket.io namespace: after a change to a case commits, every
 * connected user allowed to see the case gets `case:changed`, so an open case page reloads
 * instead of showing stale data. Ids, kinds and the state only — never personal data.
 */
export const CASE_CHANGED_EVENT = 'case:changed';

/**
 * What changed: the state (any transition), an online transfer's status, the result's delivery to
 * the intake site, the received scans (one uploaded or deleted), the pre-check (a result stored,
 * a field corrected, a finding overridden), the co-review request (asked, taken,
 * cancelled, timed out, its delivery to a peer site), the applicant's signature.
 */
export const CASE_CHANGE_KINDS = ['state', 'transfer', 'result', 'materials', 'precheck', 'review', 'signature'] as const;
export type CaseChangeKind = (typeof CASE_CHANGE_KINDS)[number];

/** The live notice for a change that left the state as it was (a state change names the new state). */
export const CASE_CHANGE_LABELS: Record<Exclude<CaseChangeKind, 'state'>, { zh: string; en: string }> = {
  transfer: { zh: '转递状态已更新', en: 'Transfer status updated' },
  result: { zh: '办理结果已更新', en: 'Result updated' },
  materials: { zh: '申请材料已更新', en: 'Materials updated' },
  precheck: { zh: '预审结果已更新', en: 'Pre-check updated' },
  review: { zh: '视频会审状态已更新', en: 'Video review status updated' },
  signature: { zh: '申请人签名已更新', en: 'Applicant’s signature updated' },
};

export const CaseChangedEventSchema = z.object({
  caseId: z.string().min(1),
  /** The case's state once the change committed. */
  state: z.enum(CASE_STATES),
  kinds: z.array(z.enum(CASE_CHANGE_KINDS)).min(1),
  /** The staff user whose action it was; null for a peer site, the applicant or the system. */
  byUserId: z.string().nullable(),
});
export type CaseChangedEvent = z.infer<typeof CaseChangedEventSchema>;
