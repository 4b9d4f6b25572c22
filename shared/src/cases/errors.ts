import { registerErrors } from '../errors';

/** Codes of the case intake core beyond the shared ERRORS table. */
registerErrors({
  CASE_ACTION_NEEDS_ENDPOINT: {
    status: 409,
    zh: '此操作需在对应的办理面板中完成（视频会审、转递、办结或评价），以便同时留存会审记录、交接单、回执或评价记录',
    en: 'Do this from its own panel (video review, handoff, result or rating) so its records are kept with it',
  },
  CASE_MATERIALS_LOCKED: {
    status: 409,
    zh: '办件当前状态不能再修改申请材料；如需补正，请由审核人员发起补正',
    en: 'Materials cannot be changed in the case’s current state; a reviewer must request a correction first',
  },
});
