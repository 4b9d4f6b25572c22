import { SCAN_MEDIA_TYPES } from '@tongban/shared/schemas/cases';
import type { I18n } from '../../i18n';

/**
 * The browser's first check before an upload: only JPEG, PNG or PDF by extension or MIME type.
 * The server still sniffs magic bytes (an .exe renamed .jpg is refused there with 415).
 */
const ACCEPTED_MIME: readonly string[] = SCAN_MEDIA_TYPES;
const ACCEPTED_EXT = /\.(jpe?g|png|pdf)$/i;

export const ACCEPT_ATTR = '.jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf';

export function fileTypeProblem(file: File, t: I18n['t']): string | undefined {
  if (file.size === 0) return t(`“${file.name}”是空文件，请重新扫描后上传。`, `"${file.name}" is empty; scan it again.`);
  if (ACCEPTED_MIME.includes(file.type) || ACCEPTED_EXT.test(file.name)) return undefined;
  return t(
    `“${file.name}”不是 JPEG、PNG 或 PDF 文件。请用扫描仪或高拍仪重新扫描，保存为 PDF 或 JPG 后再上传。`,
    `"${file.name}" is not a JPEG, PNG or PDF. Scan it again and save it as PDF or JPG, then upload.`,
  );
}
