import type { Readable } from 'node:stream';

/**
 * Content-addressed storage for scans, evidence and results. The file-system implementation is
 * the embedded default; an object-storage one can replace it behind this interface.
 */
export interface StoredBlob {
  sha256: string;
  size: number;
}

export interface BlobStore {
  /** Streams `source` into the store; identical content is stored once. Rejects (and keeps nothing) past `maxBytes`. */
  put(source: Readable, opts?: { maxBytes?: number; onProgress?: (bytes: number) => void }): Promise<StoredBlob>;
  open(sha256: string): Readable;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number>;
  /** A local path when the store has one (lets tools like OCR read without copying). */
  localPath(sha256: string): string | undefined;
}
