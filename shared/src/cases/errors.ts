import type { ErrorSpec } from '../errors';

/** Codes of the case intake core beyond the common ones. */
export const CASE_ERRORS = {
  CASE_ACTION_NEEDS_ENDPOINT: {
    status: 409,
    zh: '此操作需在对应的办理面板中完成（视频会审、转递、办结或评价），以便同时留存会审记录、交接单、回执或评价记录',
    en: 'Do this from its own panel (video review, handoff, result or rating) so its records are kept with it',
  },
  CASE_FILES_PARTICIPANTS_ONLY: {
    status: 403,
    zh: '扫描件、页面图像、证件照、抓拍、录像和交接包载有申请人完整身份信息，只有办件的收件窗口和审批单位可以下载；管理员只能查看脱敏后的办件信息',
    en: 'Scans, page images, the ID photo, snapshots, recordings and handoff bags carry the applicant’s full identity: only the case’s intake window and handling office can download them; administrators see the masked case details',
  },
  CASE_MATERIALS_LOCKED: {
    status: 409,
    zh: '办件当前状态不能再修改申请材料；如需补正，请由审核人员发起补正',
    en: 'Materials cannot be changed in the case’s current state; a reviewer must request a correction first',
  },
  MATERIAL_ALREADY_REPLACED: {
    status: 409,
    zh: '这份材料已被替换，请在当前材料上操作（刷新页面查看最新材料）',
    en: 'This scan has already been replaced; work on the current one (reload the page to see it)',
  },
  MATERIAL_REPLACE_OTHER_SLOT: {
    status: 400,
    zh: '替换的文件须放在原材料所在的材料栏中',
    en: 'A replacement goes into the slot of the scan it replaces',
  },
  MATERIAL_REPLACE_UNCHANGED: {
    status: 409,
    zh: '所选文件与这一栏已有（或曾被替换）的扫描件内容完全相同，请重新扫描原件后再替换',
    en: 'The file is identical to a scan this slot has (or had); scan the original again and replace with the new scan',
  },
} as const satisfies Record<string, ErrorSpec>;
