import { chinaDateTime } from '../cases/chinaTime';
import { STEP_BY_CODE, isStepCode } from '../cases/steps';

/**
 * In-app notifications (the bell in the header): a step of a case due soon or late, sent to the
 * users of the office that answers for it. Pushed live on the user's socket.io room as
 * NOTIFICATION_EVENT; listed by GET /api/notifications.
 */
export const NOTIFICATION_EVENT = 'notification:new';
export const NOTIFICATIONS_PATH = '/api/notifications';

export const NOTIFICATION_KINDS = ['step_due_soon', 'step_overdue'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  caseId: string;
  caseNo: string;
  step: string;
  officeName: string;
  dueAt: string;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationsResponse {
  notifications: NotificationView[];
  unread: number;
}

/** What the bell's list says for one notification. */
export function notificationText(n: Pick<NotificationView, 'kind' | 'caseNo' | 'step' | 'dueAt'>): { zh: string; en: string } {
  const step = isStepCode(n.step) ? STEP_BY_CODE[n.step].label : { zh: n.step, en: n.step };
  const due = chinaDateTime(n.dueAt);
  return n.kind === 'step_overdue'
    ? { zh: `办件 ${n.caseNo}“${step.zh}”环节已超时（应于 ${due} 前完成）`, en: `Case ${n.caseNo}: “${step.en}” is late (due ${due})` }
    : { zh: `办件 ${n.caseNo}“${step.zh}”环节将于 ${due} 到期`, en: `Case ${n.caseNo}: “${step.en}” is due at ${due}` };
}
