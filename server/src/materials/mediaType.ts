import { Transform, type TransformCallback } from 'node:stream';
import { AppError, type MaterialView } from '@tongban/shared';

/**
 * The one magic-byte sniffer of the server: uploads, imported bags and every response that
 * serves stored bytes take a file's type from its first bytes, never from a declared type or a
 * file name.
 */

export type AcceptedMediaType = MaterialView['mediaType'];

/** Magic bytes of the only formats a scan may have. */
const SCAN_SIGNATURES: Array<{ type: AcceptedMediaType; magic: Buffer }> = [
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'application/pdf', magic: Buffer.from('%PDF-', 'latin1') },
];
const SCAN_HEAD_BYTES = Math.max(...SCAN_SIGNATURES.map((s) => s.magic.length));

const startsWith = (head: Buffer, magic: Buffer) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic);

export function sniffMediaType(head: Buffer): AcceptedMediaType | undefined {
  return SCAN_SIGNATURES.find((s) => startsWith(head, s.magic))?.type;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** Enough of an EBML header to read its DocType (webm / matroska). */
export const STORED_HEAD_BYTES = 64;

/**
 * What the server may tell a browser a stored file is: a scan type, a bag (zip), a recording
 * (EBML: Matroska when its DocType says so, WebM otherwise), or opaque bytes.
 */
export function sniffStoredType(head: Buffer): string {
  const scan = sniffMediaType(head);
  if (scan) return scan;
  if (startsWith(head, ZIP_MAGIC)) return 'application/zip';
  if (startsWith(head, EBML_MAGIC)) return head.includes('matroska', 0, 'latin1') ? 'video/x-matroska' : 'video/webm';
  return 'application/octet-stream';
}

/**
 * Pass-through that holds back the first `headBytes` bytes, calls `decide` with them once (before
 * a byte goes on, so headers can still be set or the stream failed), then passes everything on.
 * A shorter file is decided at its end with what there is.
 */
export class HeadSniffer extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private decided = false;

  constructor(
    private readonly headBytes: number,
    private readonly onHead: (head: Buffer) => Error | undefined = () => undefined,
  ) {
    super();
  }

  /** The error to fail the stream with, or undefined to let the bytes through. */
  protected decide(head: Buffer): Error | undefined {
    return this.onHead(head);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.decided) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < this.headBytes) return done();
    this.release(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.decided) return done();
    this.release(done);
  }

  private release(done: TransformCallback): void {
    this.decided = true;
    const refusal = this.decide(this.head);
    if (refusal) return done(refusal);
    const head = this.head;
    this.head = Buffer.alloc(0);
    done(null, head.length ? head : undefined);
  }
}

/**
 * Fails the stream before anything is written when it is not a scan: by default UPLOAD_EMPTY or
 * UPLOAD_TYPE_REJECTED; `refuse` lets a caller (a bag import) name its own refusal.
 */
export class MediaTypeGate extends HeadSniffer {
  mediaType: AcceptedMediaType | undefined;

  constructor(private readonly refuse: (sniffed: AcceptedMediaType | undefined, head: Buffer) => AppError | undefined = uploadRefusal) {
    super(SCAN_HEAD_BYTES);
  }

  protected override decide(head: Buffer): Error | undefined {
    this.mediaType = sniffMediaType(head);
    return this.refuse(this.mediaType, head);
  }
}

function uploadRefusal(sniffed: AcceptedMediaType | undefined, head: Buffer): AppError | undefined {
  if (head.length === 0) return new AppError('UPLOAD_EMPTY');
  if (!sniffed) return new AppError('UPLOAD_TYPE_REJECTED', { details: { head: head.subarray(0, SCAN_HEAD_BYTES).toString('hex') } });
  return undefined;
}

export const EXTENSIONS: Record<AcceptedMediaType, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'application/pdf': ['.pdf'],
};
