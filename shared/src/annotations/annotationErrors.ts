import type { ErrorSpec } from '../errors';

/** Codes of the marks (批注) drawn on the shared materials in a co-review. */
export const ANNOTATION_ERRORS = {
  ANNOTATION_NOT_FOUND: {
    status: 404,
    zh: '该批注不存在或已被删除',
    en: 'This mark does not exist or was removed',
  },
  ANNOTATION_NOT_AUTHOR: {
    status: 403,
    zh: '只能删除自己画的批注',
    en: 'Only the author of a mark may remove it',
  },
  ANNOTATION_PAGE_UNKNOWN: {
    status: 400,
    zh: '该材料没有这一页，批注未保存',
    en: 'The material has no such page; the mark was not saved',
  },
  CORRECTION_ANNOTATION_UNKNOWN: {
    status: 400,
    zh: '补正事项引用的批注不属于本办件或已被删除，请重新选择',
    en: 'A correction item names a mark that is not on this case (or was removed); pick it again',
  },
} as const satisfies Record<string, ErrorSpec>;
