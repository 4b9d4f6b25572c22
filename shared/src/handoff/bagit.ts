import { AppError } from '../errors';

/**
 * BagIt 1.0 (RFC 8493) text formats, pure: tag files, manifests, Payload-Oxum, safe paths.
 * Written exactly as the Library of Congress tools expect: UTF-8 without BOM, LF line ends,
 * `digest  path` manifest lines, and only CR, LF and % percent-encoded in paths.
 */

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
export const PAYLOAD_DIR = 'data/';
export const BAG_ALGORITHMS = ['sha256', 'sha512'] as const;
export type BagAlgorithm = (typeof BAG_ALGORITHMS)[number];
export const DIGEST_HEX_LENGTH: Record<BagAlgorithm, number> = { sha256: 64, sha512: 128 };

/** The signed tag manifest, and the tag file holding its detached Ed25519 signature (not listed in any tag manifest: it cannot cover itself). */
export const SIGNED_TAG_MANIFEST = 'tagmanifest-sha256.txt';
export const SIGNATURE_FILE = 'signature-ed25519.txt';

/** bag-info.txt labels: the RFC's reserved ones and this product's own. */
export const BAG_INFO = {
  sourceOrganization: 'Source-Organization',
  baggingDate: 'Bagging-Date',
  externalIdentifier: 'External-Identifier',
  payloadOxum: 'Payload-Oxum',
  bagCount: 'Bag-Count',
  softwareAgent: 'Bag-Software-Agent',
  intakeOffice: 'Intake-Office',
  handlingOffice: 'Handling-Office',
  serviceItemCode: 'Service-Item-Code',
  transferMode: 'Transfer-Mode',
  sourceSite: 'Source-Site',
  signerKeyFingerprint: 'Signer-Key-Fingerprint',
} as const;

export const SIGNATURE_FIELDS = {
  algorithm: 'Signature-Algorithm',
  signedFile: 'Signed-File',
  fingerprint: 'Signer-Key-Fingerprint',
  publicKey: 'Signer-Public-Key',
  signature: 'Signature',
} as const;

export type TagField = readonly [label: string, value: string];

function tagError(file: string, line: number, why: string): AppError {
  return new AppError('BAG_TAG_FILE_INVALID', {
    details: { file, line, why },
    zh: `转递包标签文件 ${file} 第 ${line} 行格式有误：${why}`,
    en: `Tag file ${file} line ${line} is malformed: ${why}`,
  });
}

/** `Label: value` lines. Values never carry line breaks (they would start a new tag). */
export function formatTagFile(fields: readonly TagField[]): string {
  return fields
    .map(([label, value]) => {
      if (!/^[^:\s][^:\r\n]*$/.test(label)) throw new Error(`invalid tag label: ${JSON.stringify(label)}`);
      return `${label}: ${value.replace(/[\r\n]+/g, ' ').trim()}\n`;
    })
    .join('');
}

/** Parses a tag file (RFC 8493 §2.2.2) including folded continuation lines; labels keep their order and repeats. */
export function parseTagFile(text: string, file: string): TagField[] {
  if (text.charCodeAt(0) === 0xfeff) throw tagError(file, 1, 'starts with a byte-order mark');
  const out: Array<[string, string]> = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const last = out[out.length - 1];
    if (/^[ \t]/.test(line)) {
      if (!last) throw tagError(file, i + 1, 'continuation line without a tag');
      last[1] = `${last[1]} ${line.trim()}`;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw tagError(file, i + 1, 'expected "Label: value"');
    const label = line.slice(0, colon);
    if (/\s$/.test(label)) throw tagError(file, i + 1, 'whitespace before the colon');
    out.push([label, line.slice(colon + 1).trim()]);
  });
  return out;
}

export function tagValue(fields: readonly TagField[], label: string): string | undefined {
  return fields.find(([l]) => l === label)?.[1];
}

/** RFC 8493 §2.1.3: only CR, LF and % are percent-encoded in manifest paths. */
export function encodeManifestPath(p: string): string {
  return p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function decodeManifestPath(p: string): string {
  return p.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

/**
 * A path inside the bag that cannot escape it: relative, `/`-separated, no `.`/`..`/empty
 * segment, no backslash, drive letter, NUL or home-dir tilde.
 */
export function isSafeBagPath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || p.includes('\0') || /^[A-Za-z]:/.test(p) || p.startsWith('~')) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export interface ManifestEntry {
  path: string;
  digest: string;
}

/** One `digest  path` line per file, sorted by path so the same bag always has the same bytes. */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.digest}  ${encodeManifestPath(e.path)}\n`)
    .join('');
}

/** Parses a (tag) manifest; refuses malformed lines, wrong digest lengths, unsafe and repeated paths. */
export function parseManifest(text: string, file: string, algorithm: BagAlgorithm): Map<string, string> {
  const entries = new Map<string, string>();
  if (text.charCodeAt(0) === 0xfeff) throw tagError(file, 1, 'starts with a byte-order mark');
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]+)[ \t]+\*?(.+)$/.exec(line);
    if (!m) throw tagError(file, i + 1, 'expected "checksum path"');
    const [, digest, encoded] = m as unknown as [string, string, string];
    if (digest.length !== DIGEST_HEX_LENGTH[algorithm])
      throw tagError(file, i + 1, `a ${algorithm} checksum has ${DIGEST_HEX_LENGTH[algorithm]} hex digits`);
    const p = decodeManifestPath(encoded.replace(/^\.\//, ''));
    if (!isSafeBagPath(p)) {
      throw new AppError('BAG_ZIP_UNSAFE_PATH', {
        details: { file, line: i + 1, path: p },
        zh: `清单 ${file} 第 ${i + 1} 行的路径 ${p} 不安全`,
        en: `Manifest ${file} line ${i + 1} lists an unsafe path: ${p}`,
      });
    }
    if (entries.has(p)) throw tagError(file, i + 1, `${p} is listed twice`);
    entries.set(p, digest.toLowerCase());
  });
  return entries;
}

export interface PayloadOxum {
  octets: number;
  count: number;
}

export function formatOxum(o: PayloadOxum): string {
  return `${o.octets}.${o.count}`;
}

export function parseOxum(value: string | undefined): PayloadOxum | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(value?.trim() ?? '');
  return m ? { octets: Number(m[1]), count: Number(m[2]) } : undefined;
}
