import path from 'node:path';
import { EXTENSIONS, type AcceptedMediaType } from './mediaType';

const MAX_CHARS = 100;
// C0/C1 controls, and bidi overrides that can disguise an extension (`scan\u202Egpj.exe`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const RESERVED = /[<>:"|?*]/g;

/**
 * A display name for a received file: never used as a path (blobs are stored by hash), but kept
 * harmless anyway because it is shown, downloaded and written into handoff bags. Keeps only the
 * last path segment, drops control characters, forbids leading dots, caps the length and makes
 * the extension match the sniffed type.
 */
export function sanitizeFileName(raw: string, mediaType: AcceptedMediaType): string {
  const base = raw.normalize('NFC').replace(INVISIBLE, '').split(/[\\/]/).pop() ?? '';
  const name = base
    .replace(RESERVED, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const allowed = EXTENSIONS[mediaType];
  const ext = path.extname(name).toLowerCase();
  // A wrong extension stays visible in the stem (`scan.exe.jpg`) rather than silently vanishing.
  let stem = (allowed.includes(ext) ? name.slice(0, -ext.length) : name).trim() || 'scan';
  const chars = Array.from(stem);
  if (chars.length > MAX_CHARS) stem = chars.slice(0, MAX_CHARS).join('');
  return `${stem}${allowed.includes(ext) ? ext : allowed[0]!}`;
}
