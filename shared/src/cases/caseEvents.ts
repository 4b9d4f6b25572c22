import { z } from 'zod';
import { CASE_STATES } from './stateMachine';

/**
 * Live case updates on the default socket.io namespace: after a change to a case commits, every
 * connected user allowed to see the case gets `case:changed`, so an open case page reloads
 * instead of showing a stale state. Ids and the state only — never personal data.
 */
export const CASE_CHANGED_EVENT = 'case:changed';

/** What changed: the state (any transition), an online transfer's status, the result's delivery to the intake site. */
export const CASE_CHANGE_KINDS = ['state', 'transfer', 'result'] as const;
export type CaseChangeKind = (typeof CASE_CHANGE_KINDS)[number];

export const CaseChangedEventSchema = z.object({
  caseId: z.string().min(1),
  /** The case's state once the change committed. */
  state: z.enum(CASE_STATES),
  kinds: z.array(z.enum(CASE_CHANGE_KINDS)).min(1),
  /** The staff user whose action it was; null for a peer site, the applicant or the system. */
  byUserId: z.string().nullable(),
});
export type CaseChangedEvent = z.infer<typeof CaseChangedEventSchema>;
