import type { ErrorSpec } from '../errors';

/** Codes of the case intake core beyond the common ones. */
export const CASE_ERRORS = {
  HK_MACAO_PERMIT_INVALID: {
    status: 400,
    zh: '港澳居民来往内地通行证号码应为 H（香港）或 M（澳门）加 8 位数字（旧版加 9 或 10 位数字），请核对证件',
    en: 'A Hong Kong and Macao residents’ permit number is H (Hong Kong) or M (Macao) and 8 digits (9 or 10 on older permits); check the permit',
  },
  TAIWAN_PERMIT_INVALID: {
    status: 400,
    zh: '台湾居民来往大陆通行证号码应为 8 位数字（旧版为数字后带 1 位字母），请核对证件',
    en: 'A Taiwan residents’ permit number has 8 digits (older permits: digits and a letter); check the permit',
  },
  FOREIGN_PERMANENT_ID_INVALID: {
    status: 400,
    zh: '外国人永久居留身份证号码应为 9 开头的 18 位且校验位正确（2023 版），或 3 位字母加 12 位数字（2017 版），请核对证件',
    en: 'A foreign permanent resident ID number is 18 characters starting with 9 with a matching check character (2023 card), or 3 letters and 12 digits (2017 card); check the card',
  },
  AGENT_IS_APPLICANT: {
    status: 400,
    zh: '代办人的证件与申请人相同：申请人本人办理时，请不要勾选“由代办人办理”',
    en: 'The agent’s ID is the applicant’s own: when applicants apply themselves, leave “applied for by an agent” unticked',
  },
  MAILING_ADDRESS_REQUIRED: {
    status: 400,
    zh: '选择 EMS 邮寄送达结果时，须填写收件地址：省、市、区（县），详细地址，收件人和电话',
    en: 'Delivery by EMS needs the mailing address: province, city, district, street address, recipient and phone',
  },
  RESULT_CHANNEL_NOT_OFFERED: {
    status: 400,
    zh: '本事项不提供所选的结果领取方式，请从事项公布的送达方式中选择',
    en: 'This service item does not offer the chosen way to receive the result; choose one it lists',
  },
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
