import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError, isAppError } from '@tongban/shared';

/** Past this much discarded body after a refusal, the connection is cut rather than read to the end. */
const MAX_DRAIN_BYTES = 32 * 1024 * 1024;

export interface IncomingFile {
  stream: Readable;
  /** As sent by the browser: untrusted, sanitise before showing or storing. */
  fileName: string;
}

/**
 * Streams the one file in multipart field `field` of `req` into `handle` (nothing is buffered
 * in memory). When `handle` fails — too large, wrong type — the rest of the request is drained
 * and discarded so the client reads a clean 413/415 on a reusable connection (up to a cap).
 */
export function receiveSingleFile<T>(req: IncomingMessage, field: string, handle: (file: IncomingFile) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024 } });
    } catch {
      req.resume();
      reject(new AppError('UPLOAD_MALFORMED', { details: { expected: `multipart/form-data with a "${field}" file` } }));
      return;
    }
    let settled = false;
    let handled: Promise<void> | undefined;
    let result: { value: T } | undefined;
    let parserClosed = false;

    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      let drained = 0;
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > MAX_DRAIN_BYTES) req.destroy();
      });
      req.resume();
      const err = isAppError(e) ? e : new AppError('UPLOAD_MALFORMED', { details: { reason: (e as Error).message } });
      finished(req).then(
        () => reject(err),
        () => reject(err),
      );
    };
    const maybeDone = () => {
      if (settled || !parserClosed || !result) return;
      settled = true;
      resolve(result.value);
    };

    parser.on('file', (name, stream, info) => {
      if (name !== field || handled) {
        stream.resume();
        return;
      }
      handled = handle({ stream, fileName: info.filename ?? '' }).then((value) => {
        result = { value };
        maybeDone();
      }, fail);
    });
    parser.on('close', () => {
      parserClosed = true;
      if (!handled) fail(new AppError('UPLOAD_MALFORMED', { details: { expected: `a file in field "${field}"` } }));
      else maybeDone();
    });
    parser.on('error', fail);
    req.on('error', fail);
    req.pipe(parser);
  });
}
