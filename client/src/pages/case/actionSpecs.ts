import type { CaseAction } from '@tongban/shared';

/** How each case transition is offered as a secondary action: its button, and whether a reason must be given. */
export interface ActionSpec {
  zh: string;
  en: string;
  /** Ends the case (its confirmation is red). */
  destructive?: true;
  /** A reason is recorded in the audit trail; required where the applicant must be told why. */
  note?: 'required' | 'optional';
}

export const ACTION_SPECS: Record<CaseAction, ActionSpec> = {
  precheck: { zh: '完成预审', en: 'Finish pre-check' },
  request_review: { zh: '发起视频会审', en: 'Request review' },
  accept: { zh: '受理', en: 'Accept', note: 'optional' },
  request_correction: { zh: '要求补正', en: 'Request correction', note: 'required' },
  reject: { zh: '不予受理', en: 'Reject', destructive: true, note: 'required' },
  resubmit: { zh: '补正材料已收，重新预审', en: 'Corrections received' },
  hand_off: { zh: '已转递', en: 'Handed off' },
  start_handling: { zh: '开始办理', en: 'Start handling' },
  complete: { zh: '办结', en: 'Complete', note: 'optional' },
  rate: { zh: '记录评价', en: 'Record rating' },
  withdraw: { zh: '申请人撤回', en: 'Applicant withdraws', destructive: true, note: 'required' },
  reopen: { zh: '重新打开', en: 'Reopen', note: 'required' },
  // Fired by the server's deadline job only; no role may press it.
  expire_correction: { zh: '补正逾期终止', en: 'Close as correction overdue', destructive: true },
};
