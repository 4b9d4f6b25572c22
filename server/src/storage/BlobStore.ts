import type { Readable } from 'node:stream';

/**
 * Content-addressed storage for scans, evidence and results. The file-system implementation is
 * the embedded default; an object-storage one can replace it behind this interface.
 */
export interface StoredBlob {
  sha256: string;
  size: number;
}

export interface PutOptions {
  /** Rejects (and keeps nothing) past this many bytes. */
  maxBytes?: number;
  onProgress?: (bytes: number) => void;
}

export interface BlobStore {
  /** Streams `source` into the store; identical content is stored once. Nothing is recorded about it. */
  put(source: Readable, opts?: PutOptions): Promise<StoredBlob>;
  /**
   * `put`, then the content's row in the blobs table (size, media type): how a service keeps bytes
   * its own rows refer to. `mediaType` may be a function, read once the bytes are in (a sniffing
   * gate knows the type only then). Only derived images no row lists (pre-check pages) use `put`.
   */
  store<M extends string>(source: Readable, opts: PutOptions & { mediaType: M | (() => M) }): Promise<StoredBlob & { mediaType: M }>;
  open(sha256: string): Readable;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number>;
  /** A local path when the store has one (lets tools like OCR read without copying). */
  localPath(sha256: string): string | undefined;
  /** Deletes the content (retention); its row in the blobs table stays, as rows of deleted evidence refer to it. */
  remove(sha256: string): Promise<void>;
}

/** Where a store records what it holds: one row per distinct content (the first media type stays). */
export interface BlobIndex {
  record(blob: StoredBlob, mediaType: string): void;
}
