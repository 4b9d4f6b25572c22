import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { SCAN_MEDIA_TYPES } from '@tongban/shared/schemas/cases';
import { HeadSniffer, STORED_HEAD_BYTES, sniffStoredType } from './mediaType';

/**
 * The one way the server answers with stored bytes (scans, page images, snapshots, recordings,
 * bags, cover sheets, result documents). Whatever the bytes came with — an upload's declared
 * type, a peer's case.json — the browser is told only what the bytes themselves are, is told not
 * to guess, may show images and PDFs inline and nothing else, and runs nothing from them: a file
 * that is really HTML is downloaded as opaque bytes into a sandbox with no script and no fetch.
 */

export interface StoredFileMeta {
  /** Shown to the user when saving; any Unicode (sent as an ASCII fallback plus RFC 5987). */
  fileName: string;
  /** Default `private, no-store`: audited views must reach the server each time. */
  cacheControl?: string;
  /** Extra headers (e.g. ETag, X-Id-Photo-Source). */
  headers?: Record<string, string>;
}

/** Types a browser may render inline; everything else is an attachment. */
const INLINE_TYPES: ReadonlySet<string> = new Set(SCAN_MEDIA_TYPES);

export const STORED_FILE_CSP = "default-src 'none'; sandbox";

/** `inline|attachment; filename="ascii"; filename*=UTF-8''…` for a sniffed type. */
export function contentDisposition(mediaType: string, fileName: string): string {
  const disposition = INLINE_TYPES.has(mediaType) ? 'inline' : 'attachment';
  // Printable ASCII without quote or backslash; anything else becomes `_` (the RFC 5987 form carries it).
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_').trim() || 'file';
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function setHeaders(res: Response, head: Buffer, meta: StoredFileMeta, size?: number): void {
  const mediaType = sniffStoredType(head);
  res.setHeader('Content-Type', mediaType);
  res.setHeader('Content-Disposition', contentDisposition(mediaType, meta.fileName));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', STORED_FILE_CSP);
  res.setHeader('Cache-Control', meta.cacheControl ?? 'private, no-store');
  if (size !== undefined) res.setHeader('Content-Length', String(size));
  for (const [name, value] of Object.entries(meta.headers ?? {})) res.setHeader(name, value);
}

/** Bytes already in memory (a rendered page, a cover sheet). */
export function sendStoredBytes(res: Response, bytes: Uint8Array, meta: StoredFileMeta): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  setHeaders(res, buf.subarray(0, STORED_HEAD_BYTES), meta, buf.length);
  res.end(buf);
}

/**
 * Streams stored bytes; the headers are set from the first bytes before any is sent. A read
 * error before that rejects (the route answers with the error); after it, the response is cut.
 */
export function sendStoredStream(res: Response, stream: Readable, meta: StoredFileMeta & { size?: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sniffer = new HeadSniffer(STORED_HEAD_BYTES, (head) => {
      setHeaders(res, head, meta, meta.size);
      return undefined;
    });
    const fail = (e: unknown) => {
      stream.unpipe(sniffer);
      sniffer.unpipe(res);
      stream.destroy();
      sniffer.destroy();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    stream.once('error', fail);
    sniffer.once('error', fail);
    res.once('close', () => {
      // The client went away (or the response finished): stop reading the blob.
      stream.destroy();
      resolve();
    });
    stream.pipe(sniffer).pipe(res);
  });
}
