import type { ErrorSpec } from '../errors';

/** Error codes of the OCR pre-check. */
export const PRECHECK_ERRORS = {
  PRECHECK_FILE_EMPTY: { status: 400, zh: '文件为空，请重新扫描后上传', en: 'The file is empty; scan it again and upload' },
  PRECHECK_FILE_UNSUPPORTED: {
    status: 415,
    zh: '无法识别的文件格式，只接受 JPEG、PNG、TIFF、WebP 图片或 PDF，请重新扫描',
    en: 'Unsupported file; only JPEG, PNG, TIFF, WebP images or PDF are accepted — scan it again',
  },
  PRECHECK_FILE_CORRUPT: {
    status: 422,
    zh: '文件已损坏，无法读取，请重新扫描或重新导出',
    en: 'The file is damaged and cannot be read; scan or export it again',
  },
  PRECHECK_IMAGE_TOO_LARGE: {
    status: 413,
    zh: '图片像素过大，请将扫描分辨率调到 300 dpi 左右后重新扫描',
    en: 'The image has too many pixels; rescan at about 300 dpi',
  },
  PRECHECK_PDF_TOO_MANY_PAGES: {
    status: 413,
    zh: 'PDF 页数过多，请按材料分开扫描上传',
    en: 'The PDF has too many pages; scan each material separately',
  },
  MATERIAL_SLOT_FULL: {
    status: 409,
    zh: '该项材料的文件数已达上限，请删除多余或重复的文件后再上传；多页材料请合并为一个 PDF',
    en: 'This material already has the most files allowed; delete extra or duplicate files first, or combine the pages into one PDF',
  },
  CASE_MATERIALS_FULL: {
    status: 409,
    zh: '本办件的材料文件数已达上限，请删除多余或重复的文件后再上传；多页材料请合并为一个 PDF',
    en: 'This case already has the most material files allowed; delete extra or duplicate files first, or combine the pages into one PDF',
  },
  PRECHECK_OCR_TIMEOUT: {
    status: 504,
    zh: '识别超时，请重新扫描更清晰的图片后重试',
    en: 'Recognition timed out; rescan a clearer image and try again',
  },
  PRECHECK_OCR_FAILED: {
    status: 500,
    zh: '识别引擎出错，已重试仍失败，请重新发起预审',
    en: 'The OCR engine failed twice; start the pre-check again',
  },
  PRECHECK_OCR_DISABLED: {
    status: 503,
    zh: '本机未启用识别引擎，请联系技术支持',
    en: 'The OCR engine is disabled on this server; contact support',
  },
  PRECHECK_OCR_NOT_READY: { status: 503, zh: '识别引擎正在启动，请稍后再试', en: 'The OCR engine is still starting; try again shortly' },
  PRECHECK_OCR_DATA_MISSING: {
    status: 500,
    zh: '缺少识别语言数据，请在服务器上运行 npm install',
    en: 'OCR language data is missing; run npm install on the server',
  },
  PRECHECK_INCOMPLETE: {
    status: 409,
    zh: '预审未通过：仍有缺少的必需材料或未处理的阻断问题，请补齐或处理后再提交',
    en: 'Pre-check not passed: required materials are missing or blocking findings are unresolved',
  },
  PRECHECK_PENDING: {
    status: 409,
    zh: '仍有材料正在识别，请等待识别完成',
    en: 'Some materials are still being recognised; wait until they finish',
  },
  PRECHECK_RESULT_NOT_FOUND: { status: 404, zh: '该材料还没有预审结果', en: 'This material has no pre-check result yet' },
  PRECHECK_FINDING_NOT_FOUND: { status: 404, zh: '该材料没有这一项预审问题', en: 'This material has no such finding' },
  PRECHECK_FIELD_UNKNOWN: { status: 400, zh: '该材料没有这一识别字段', en: 'This material has no such field' },
  PRECHECK_PAGE_NOT_FOUND: { status: 404, zh: '该页不存在', en: 'No such page' },
  PRECHECK_ID_FRONT_MISSING: {
    status: 404,
    zh: '本办件还没有身份证人像面的预审结果，无法比对证件照片。请收件窗口上传身份证人像面并完成预审',
    en: 'This case has no pre-checked photo side of an ID card, so there is no ID photo to compare; the intake window must upload it and run the pre-check',
  },
  PRECHECK_ID_PHOTO_NOT_FOUND: {
    status: 404,
    zh: '预审未能在身份证人像面上定位证件照片。请收件窗口将身份证人像面放正后重新扫描，或改为核对原件',
    en: 'The pre-check could not locate the photo on the ID card; the intake window must rescan the photo side straight, or check the original card',
  },
} as const satisfies Record<string, ErrorSpec>;
