import type { CaseAction } from '@tongban/shared';
import type { ButtonVariant } from '../../ui';

/** How each case transition is shown: its button, and whether a reason must be given. */
export interface ActionSpec {
  zh: string;
  en: string;
  variant: ButtonVariant;
  /** A reason is recorded in the audit trail; required where the applicant must be told why. */
  note?: 'required' | 'optional';
}

export const ACTION_SPECS: Record<CaseAction, ActionSpec> = {
  precheck: { zh: '完成预审', en: 'Finish pre-check', variant: 'primary' },
  request_review: { zh: '发起视频会审', en: 'Request review', variant: 'primary' },
  accept: { zh: '受理', en: 'Accept', variant: 'primary', note: 'optional' },
  request_correction: { zh: '要求补正', en: 'Request correction', variant: 'secondary', note: 'required' },
  reject: { zh: '不予受理', en: 'Reject', variant: 'danger', note: 'required' },
  resubmit: { zh: '补正材料已收，重新预审', en: 'Corrections received', variant: 'primary' },
  hand_off: { zh: '已转递', en: 'Handed off', variant: 'primary' },
  start_handling: { zh: '开始办理', en: 'Start handling', variant: 'primary' },
  complete: { zh: '办结', en: 'Complete', variant: 'primary', note: 'optional' },
  rate: { zh: '记录评价', en: 'Record rating', variant: 'secondary' },
  withdraw: { zh: '申请人撤回', en: 'Applicant withdraws', variant: 'danger', note: 'required' },
  reopen: { zh: '重新打开', en: 'Reopen', variant: 'secondary', note: 'required' },
};
