import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import {
  BAGIT_TXT,
  BAG_ALGORITHMS,
  BAG_INFO,
  SIGNATURE_FIELDS,
  SIGNATURE_FILE,
  SIGNED_TAG_MANIFEST,
  formatManifest,
  formatOxum,
  formatTagFile,
  isSafeBagPath,
  type BagAlgorithm,
  type ManifestEntry,
  type PayloadOxum,
  type TagField,
} from '@tongban/shared/handoff/bagit';
import type { SigningKey } from '../siteKeys';
import { useNativeZipCrc } from './fastZipCrc';
import { PayloadDigests } from './payloadDigests';

/** A payload file: a stream opened when its turn comes (scans), or bytes in hand (JSON). */
export type PayloadFile = { path: string; size: number; open(): Readable } | { path: string; content: Buffer };

export interface BagProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface BagSpec {
  /** The one top-level folder of the zip, e.g. the case number. */
  root: string;
  /** bag-info.txt fields; Payload-Oxum and the signer's fingerprint are added here. */
  info: TagField[];
  /** Paths relative to `data/`. */
  payload: PayloadFile[];
  signer: SigningKey;
  mtime: Date;
  onProgress?: (p: BagProgress) => void;
}

export interface BagSummary {
  root: string;
  oxum: PayloadOxum;
  tagmanifestSha256: string;
  manifest: Array<ManifestEntry & { sha512: string; size: number }>;
}

const PROGRESS_STEP = 8 * 1024 * 1024;
/**
 * Control characters (CR and LF included) are legal in BagIt paths when percent-encoded, but zip
 * tools drop or mangle them on extraction, so a bag carrying one would not verify once unpacked.
 */
const hasControlCharacter = (p: string) => [...p].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/** Hashes bytes as they flow to the zip, each payload byte read once for both algorithms. */
class DigestTap extends Transform {
  readonly digests = new PayloadDigests();
  constructor(private readonly onBytes: (n: number) => void) {
    super({ highWaterMark: 1024 * 1024 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    const queued = this.digests.update(chunk);
    this.onBytes(chunk.length);
    if (queued) void queued.then(() => cb(null, chunk));
    else cb(null, chunk);
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.digests.abandon();
    cb(err);
  }
}

function digestsOf(buf: Buffer): Record<BagAlgorithm, string> {
  return {
    sha256: createHash('sha256').update(buf).digest('hex'),
    sha512: createHash('sha512').update(buf).digest('hex'),
  };
}

/**
 * Streams a signed BagIt 1.0 bag as a zip with one top-level folder. Payload entries are stored
 * (scans are already compressed) and hashed on the way through; tag files follow the payload, the
 * signature of tagmanifest-sha256.txt last. Memory stays flat whatever the payload size.
 */
export function createBagStream(spec: BagSpec): { stream: Readable; summary: Promise<BagSummary> } {
  useNativeZipCrc();
  if (!/^[^/\\:*?"<>|\r\n]+$/.test(spec.root) || spec.root === '.' || spec.root === '..') throw new Error(`invalid bag root: ${spec.root}`);
  const zip = new ZipFile();
  const at = (p: string) => `${spec.root}/${p}`;
  const entryOpts = { mtime: spec.mtime, mode: 0o100644 };
  const addTag = (name: string, text: string) => {
    const buf = Buffer.from(text, 'utf8');
    zip.addBuffer(buf, at(name), { ...entryOpts, compress: true });
    return buf;
  };

  const bytesTotal = spec.payload.reduce((n, f) => n + ('content' in f ? f.content.length : f.size), 0);
  let bytesDone = 0;
  let reported = 0;
  const progress = (file: string, n: number) => {
    bytesDone += n;
    if (spec.onProgress && (bytesDone - reported >= PROGRESS_STEP || bytesDone === bytesTotal)) {
      reported = bytesDone;
      spec.onProgress({ file, bytesDone, bytesTotal });
    }
  };

  const tagFiles: Array<[string, Buffer]> = [['bagit.txt', addTag('bagit.txt', BAGIT_TXT)]];
  const seen = new Set<string>();
  const hashed = spec.payload.map((f) => {
    const rel = `data/${f.path}`;
    if (!isSafeBagPath(rel) || hasControlCharacter(rel) || seen.has(rel)) throw new Error(`invalid or repeated payload path: ${rel}`);
    seen.add(rel);
    if ('content' in f) {
      zip.addBuffer(f.content, at(rel), { ...entryOpts, compress: true });
      progress(rel, f.content.length);
      return Promise.resolve({ path: rel, size: f.content.length, ...digestsOf(f.content) });
    }
    return new Promise<ManifestEntry & { sha512: string; size: number }>((resolve, reject) => {
      zip.addReadStreamLazy(at(rel), { ...entryOpts, compress: false, size: f.size }, (cb) => {
        const tap = new DigestTap((n) => progress(rel, n));
        const src = f.open();
        src.on('error', (e) => {
          tap.destroy(e);
          reject(e);
        });
        tap.on('end', () => {
          const { sha256, sha512 } = tap.digests.finish();
          sha512.then((hex) => resolve({ path: rel, size: tap.digests.bytes, digest: sha256, sha512: hex }), reject);
        });
        cb(null, src.pipe(tap));
      });
    }).then((e) => ({ path: e.path, size: e.size, sha256: e.digest, sha512: e.sha512 }));
  });

  const summary = Promise.all(hashed).then((files) => {
    const manifest = files.map((f) => ({ path: f.path, digest: f.sha256, sha512: f.sha512, size: f.size }));
    for (const alg of BAG_ALGORITHMS) {
      const name = `manifest-${alg}.txt`;
      tagFiles.push([name, addTag(name, formatManifest(files.map((f) => ({ path: f.path, digest: f[alg] }))))]);
    }
    const oxum = { octets: files.reduce((n, f) => n + f.size, 0), count: files.length };
    const info: TagField[] = [
      ...spec.info,
      [BAG_INFO.payloadOxum, formatOxum(oxum)],
      [BAG_INFO.signerKeyFingerprint, spec.signer.fingerprint],
    ];
    tagFiles.push(['bag-info.txt', addTag('bag-info.txt', formatTagFile(info))]);
    // Every tag manifest lists the same tag files, never a tag manifest nor the signature.
    let signed: Buffer | undefined;
    for (const alg of BAG_ALGORITHMS) {
      const name = `tagmanifest-${alg}.txt`;
      const text = formatManifest(tagFiles.map(([p, buf]) => ({ path: p, digest: digestsOf(buf)[alg] })));
      const buf = addTag(name, text);
      if (name === SIGNED_TAG_MANIFEST) signed = buf;
    }
    addTag(
      SIGNATURE_FILE,
      formatTagFile([
        [SIGNATURE_FIELDS.algorithm, 'Ed25519'],
        [SIGNATURE_FIELDS.signedFile, SIGNED_TAG_MANIFEST],
        [SIGNATURE_FIELDS.fingerprint, spec.signer.fingerprint],
        [SIGNATURE_FIELDS.publicKey, spec.signer.publicKey],
        [SIGNATURE_FIELDS.signature, spec.signer.sign(signed!)],
      ]),
    );
    zip.end();
    return { root: spec.root, oxum, tagmanifestSha256: digestsOf(signed!).sha256, manifest };
  });
  const stream = zip.outputStream as unknown as Readable;
  summary.catch((e: Error) => stream.destroy(e));
  return { stream, summary };
}
