import { registerErrors } from '../errors';

/** Codes of the case intake core beyond the shared ERRORS table. */
registerErrors({
  CASE_MATERIALS_LOCKED: {
    status: 409,
    zh: '办件当前状态不能再修改申请材料；如需补正，请由审核人员发起补正',
    en: 'Materials cannot be changed in the case’s current state; a reviewer must request a correction first',
  },
});
