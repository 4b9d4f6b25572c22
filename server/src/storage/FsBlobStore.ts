import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '@tongban/shared';
import type { BlobIndex, BlobStore, PutOptions, StoredBlob } from './BlobStore';

const SHA256 = /^[0-9a-f]{64}$/;

/** DATA_DIR/blobs/ab/cd/<sha256>; written to DATA_DIR/tmp, fsynced, then renamed into place. */
export class FsBlobStore implements BlobStore {
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  constructor(
    dataDir: string,
    private readonly index: BlobIndex,
  ) {
    this.blobsDir = path.join(dataDir, 'blobs');
    this.tmpDir = path.join(dataDir, 'tmp');
    fs.mkdirSync(this.blobsDir, { recursive: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  /** Temp files left by a crash mid-write are never referenced; clear them at start. */
  sweepTemp(): number {
    let n = 0;
    for (const f of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, f), { force: true });
      n++;
    }
    return n;
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new AppError('NOT_FOUND', { details: { sha256 } });
    return path.join(this.blobsDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  localPath(sha256: string): string {
    return this.pathOf(sha256);
  }

  async put(source: Readable, opts: PutOptions = {}): Promise<StoredBlob> {
    const tmp = path.join(this.tmpDir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const hash = createHash('sha256');
    const fh = await fsp.open(tmp, 'wx');
    let size = 0;
    try {
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          source.destroy();
          throw new AppError('UPLOAD_TOO_LARGE', { details: { maxBytes: opts.maxBytes } });
        }
        hash.update(buf);
        await fh.write(buf);
        opts.onProgress?.(size);
      }
      await fh.sync();
      await fh.close();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    const sha256 = hash.digest('hex');
    const dest = this.pathOf(sha256);
    if (fs.existsSync(dest)) {
      await fsp.rm(tmp, { force: true });
    } else {
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      await fsp.rename(tmp, dest);
      // fsync the directory so the rename itself survives a power cut.
      const dir = await fsp.open(path.dirname(dest), 'r');
      await dir.sync().finally(() => dir.close());
    }
    return { sha256, size };
  }

  async store<M extends string>(source: Readable, opts: PutOptions & { mediaType: M | (() => M) }): Promise<StoredBlob & { mediaType: M }> {
    const stored = await this.put(source, opts);
    const mediaType = typeof opts.mediaType === 'function' ? opts.mediaType() : opts.mediaType;
    this.index.record(stored, mediaType);
    return { ...stored, mediaType };
  }

  open(sha256: string): Readable {
    return fs.createReadStream(this.pathOf(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    return fs.existsSync(this.pathOf(sha256));
  }

  async size(sha256: string): Promise<number> {
    return (await fsp.stat(this.pathOf(sha256))).size;
  }

  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true });
  }
}
