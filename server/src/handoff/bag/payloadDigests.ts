import { createHash } from 'node:crypto';
import { offThreadSha512 } from './offThreadSha512';

/**
 * Both digests a bag lists for a file, of its bytes read once: SHA-256 on this thread and SHA-512
 * (the slowest part of building or verifying a bag) on the hashing thread, overlapping the rest.
 */
export class PayloadDigests {
  private readonly sha256 = createHash('sha256');
  private readonly sha512 = offThreadSha512();
  private finished = false;
  bytes = 0;

  /** Hashes a chunk; returns a promise to wait for when the hashing thread has fallen behind. */
  update(chunk: Buffer): Promise<void> | undefined {
    const queued = this.sha512.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
    return queued;
  }

  /** Called once, at the end: the SHA-256 now, the SHA-512 when the thread has hashed the rest. */
  finish(): { sha256: string; sha512: Promise<string> } {
    this.finished = true;
    return { sha256: this.sha256.digest('hex'), sha512: this.sha512.digest() };
  }

  /** A file cut off midway still settles its SHA-512, or the hashing thread would wait for it. */
  abandon(): void {
    if (!this.finished) void this.finish().sha512.catch(() => undefined);
  }
}
