import { Transform, type TransformCallback } from 'node:stream';
import { AppError, type MaterialView } from '@tongban/shared';

export type AcceptedMediaType = MaterialView['mediaType'];

/** Magic bytes of the only formats a scan may have; the declared type and file name are ignored. */
const SIGNATURES: Array<{ type: AcceptedMediaType; magic: Buffer }> = [
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'application/pdf', magic: Buffer.from('%PDF-', 'latin1') },
];
const HEAD_BYTES = Math.max(...SIGNATURES.map((s) => s.magic.length));

export function sniffMediaType(head: Buffer): AcceptedMediaType | undefined {
  return SIGNATURES.find((s) => head.length >= s.magic.length && head.subarray(0, s.magic.length).equals(s.magic))?.type;
}

/**
 * Pass-through that holds back the first bytes until it can tell the type, and fails the stream
 * (UPLOAD_TYPE_REJECTED, or UPLOAD_EMPTY) before anything else is written when it is not a scan.
 */
export class MediaTypeGate extends Transform {
  mediaType: AcceptedMediaType | undefined;
  private head: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.mediaType) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < HEAD_BYTES) return done();
    this.decide(done);
  }

  override _flush(done: TransformCallback): void {
    if (this.mediaType) return done();
    if (this.head.length === 0) return done(new AppError('UPLOAD_EMPTY'));
    this.decide(done);
  }

  private decide(done: TransformCallback): void {
    this.mediaType = sniffMediaType(this.head);
    if (!this.mediaType)
      return done(new AppError('UPLOAD_TYPE_REJECTED', { details: { head: this.head.subarray(0, HEAD_BYTES).toString('hex') } }));
    const head = this.head;
    this.head = Buffer.alloc(0);
    done(null, head);
  }
}

export const EXTENSIONS: Record<AcceptedMediaType, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'application/pdf': ['.pdf'],
};
