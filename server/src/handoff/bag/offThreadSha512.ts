import { Worker } from 'node:worker_threads';

/**
 * SHA-512 of payload files on a second thread. OpenSSL's SHA-512 runs at less than half the speed
 * of its SHA-256 here (no CPU extension for it), so hashing both on the thread that also feeds the
 * zip made the bag build the slowest step of a handoff; on its own thread it overlaps with the rest.
 * Chunks are copied into the worker (the stream may reuse its buffers) and at most BACKLOG_BYTES
 * wait there, so memory stays flat when the worker falls behind.
 */
const BACKLOG_BYTES = 8 * 1024 * 1024;

// Plain JavaScript evaluated in the worker: no TypeScript loader needed on that thread.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const open = new Map();
parentPort.on('message', (m) => {
  if (m.chunk) {
    let h = open.get(m.id);
    if (!h) open.set(m.id, (h = createHash('sha512')));
    h.update(new Uint8Array(m.chunk));
    parentPort.postMessage({ ack: m.chunk.byteLength });
  } else {
    const h = open.get(m.id) ?? createHash('sha512');
    open.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: h.digest('hex') });
  }
});
`;

type Reply = { ack: number } | { id: number; digest: string };

class Sha512Thread {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private backlog = 0;
  private nextId = 1;
  private open = 0;
  private readonly digests = new Map<number, { resolve(hex: string): void; reject(e: Error): void }>();
  private drained: Array<() => void> = [];

  constructor(onExit: () => void) {
    // A dead thread fails the bags it was hashing (their builds report it) and the next bag starts a new one.
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.fail(new Error(`sha512 thread exited (${code})`));
      onExit();
    });
    this.worker.on('message', (m: Reply) => {
      if ('ack' in m) {
        this.backlog -= m.ack;
        if (this.backlog <= BACKLOG_BYTES / 2) for (const wake of this.drained.splice(0)) wake();
      } else {
        this.digests.get(m.id)?.resolve(m.digest);
        this.settled(m.id);
      }
    });
    this.worker.unref();
  }

  /** The thread keeps the process alive only while a digest is owed. */
  private settled(id: number): void {
    this.digests.delete(id);
    if (--this.open === 0) this.worker.unref();
  }

  private fail(e: Error): void {
    for (const [id, d] of this.digests) {
      d.reject(e);
      this.settled(id);
    }
    for (const wake of this.drained.splice(0)) wake();
  }

  hasher(): OffThreadHash {
    const id = this.nextId++;
    if (this.open++ === 0) this.worker.ref();
    return {
      update: (chunk) => {
        const copy = new Uint8Array(chunk);
        this.backlog += copy.byteLength;
        this.worker.postMessage({ id, chunk: copy.buffer }, [copy.buffer]);
        return this.backlog > BACKLOG_BYTES ? new Promise((wake) => this.drained.push(wake)) : undefined;
      },
      digest: () =>
        new Promise((resolve, reject) => {
          this.digests.set(id, { resolve, reject });
          this.worker.postMessage({ id });
        }),
    };
  }
}

export interface OffThreadHash {
  /** Queues a chunk; returns a promise to wait for when too much is queued. */
  update(chunk: Buffer): Promise<void> | undefined;
  /** The hex digest of everything queued, once the worker has hashed it. */
  digest(): Promise<string>;
}

let thread: Sha512Thread | undefined;

/** A SHA-512 computed on the process's hashing thread (started on first use, never keeping the process alive). */
export function offThreadSha512(): OffThreadHash {
  thread ??= new Sha512Thread(() => (thread = undefined));
  return thread.hasher();
}
