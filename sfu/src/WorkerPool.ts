import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { createWorker, type types } from 'mediasoup';
import { SfuError } from './errors';
import { silentLogger, type SfuLogger } from './logger';

export interface WorkerPoolOptions {
  /** Number of mediasoup workers (each is one single-threaded process). Default: one per core. */
  numWorkers?: number;
  /** RTC port range shared by all workers' transports. Default 40000–49999. */
  rtcMinPort?: number;
  rtcMaxPort?: number;
  /** Worker log level. Default 'warn'. */
  logLevel?: types.WorkerLogLevel;
  logTags?: types.WorkerLogTag[];
  /** Turn off the worker's io_uring send path (it falls back to libuv by itself if the kernel refuses io_uring). */
  disableLiburing?: boolean;
  /** First respawn delay after a worker dies; doubles for repeated deaths within a minute, capped at 30 s. Default 1000. */
  respawnDelayMs?: number;
  /** How often to sample worker CPU for placement ties. 0 disables the timer (stats() still samples). Default 5000. */
  cpuSampleIntervalMs?: number;
  logger?: SfuLogger;
  /** Test seam: replaces mediasoup.createWorker. */
  createWorker?: typeof createWorker;
}

export interface PortRange {
  min: number;
  max: number;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

export interface WorkerRespawnedEvent {
  index: number;
  pid: number;
  previousPid: number;
}

export interface WorkerRespawnFailedEvent {
  index: number;
  error: Error;
}

export interface WorkerPoolEvents {
  /** A worker process died; every router (hence Room) on it is gone. Rooms emit 'close' with reason 'worker-died'. */
  workerdied: [WorkerDiedEvent];
  /** A replacement worker is up at the same index; rooms can be re-created. */
  workerrespawned: [WorkerRespawnedEvent];
  /** Spawning the replacement failed; it will be retried with backoff. */
  workerrespawnfailed: [WorkerRespawnFailedEvent];
}

export interface WorkerStats {
  index: number;
  /** Current pid, or the last one while the slot waits to respawn. */
  pid: number;
  alive: boolean;
  routers: number;
  /** How many times this slot's worker has been replaced. */
  restarts: number;
  /** Cumulative CPU time of the current process in ms (getrusage). */
  cpu: { user: number; system: number };
  /** Share of one core used between the last two samples (0–1). */
  cpuLoad: number;
  /** Peak resident set size in KiB. */
  maxRssKb: number;
}

interface Slot {
  index: number;
  worker: types.Worker | null;
  lastPid: number;
  routers: number;
  restarts: number;
  deathTimes: number[];
  cpu: { user: number; system: number };
  cpuLoad: number;
  maxRssKb: number;
  sampledAt: number;
  respawnTimer: NodeJS.Timeout | null;
}

const DEFAULT_MIN_PORT = 40000;
const DEFAULT_MAX_PORT = 49999;
const MAX_RESPAWN_DELAY_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;

/**
 * A fixed-size pool of mediasoup workers.
 *
 * mediasoup workers are single-threaded C++ processes, so one per core is the
 * natural size. The pool places new routers on the least loaded worker and
 * keeps the pool at full size: a worker that dies is replaced (with backoff, so
 * a crash loop cannot spin), and listeners are told so the rooms that lived on
 * it can be re-created by whoever owns them.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  readonly portRange: PortRange;
  private readonly slots: Slot[] = [];
  private readonly settings: types.WorkerSettings;
  private readonly respawnDelayMs: number;
  private readonly logger: SfuLogger;
  private readonly spawn: typeof createWorker;
  private sampleTimer: NodeJS.Timeout | null = null;
  private isClosed = false;

  /** Start `numWorkers` workers. Rejects (and stops the ones started) if any fails to start. */
  static async create(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const count = options.numWorkers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`numWorkers must be a positive integer, got ${count}`);
    }
    try {
      for (let index = 0; index < count; index++) {
        const slot = pool.newSlot(index);
        pool.slots.push(slot);
        pool.attach(slot, await pool.spawn(pool.settings));
      }
    } catch (err) {
      pool.close();
      throw err;
    }
    pool.startSampling(options.cpuSampleIntervalMs ?? 5000);
    return pool;
  }

  private constructor(options: WorkerPoolOptions) {
    super();
    const min = options.rtcMinPort ?? DEFAULT_MIN_PORT;
    const max = options.rtcMaxPort ?? DEFAULT_MAX_PORT;
    if (!(Number.isInteger(min) && Number.isInteger(max) && min > 0 && min <= max && max <= 65535)) {
      throw new RangeError(`invalid RTC port range ${min}-${max}`);
    }
    // mediasoup 3.19 deprecates the worker-level rtcMinPort/rtcMaxPort in favour
    // of a portRange per transport listen address; Room reads pool.portRange.
    this.portRange = { min, max };
    this.settings = {
      logLevel: options.logLevel ?? 'warn',
      logTags: options.logTags ?? [],
      disableLiburing: options.disableLiburing ?? false,
    };
    this.respawnDelayMs = options.respawnDelayMs ?? 1000;
    this.logger = options.logger ?? silentLogger;
    this.spawn = options.createWorker ?? createWorker;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Configured pool size (including slots waiting to respawn). */
  get size(): number {
    return this.slots.length;
  }

  /** Workers currently alive. */
  workers(): types.Worker[] {
    return this.slots.flatMap((s) => (s.worker ? [s.worker] : []));
  }

  /**
   * The alive worker to put the next router on: fewest routers, then lowest
   * recent CPU, then lowest index. Router count comes first because a room's
   * cost arrives after placement (peers join later); CPU breaks ties between
   * equally populated workers.
   */
  leastLoaded(): types.Worker {
    if (this.isClosed) throw new SfuError('SFU_POOL_CLOSED', 'worker pool is closed');
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (!slot.worker) continue;
      if (!best || slot.routers < best.routers || (slot.routers === best.routers && slot.cpuLoad < best.cpuLoad)) {
        best = slot;
      }
    }
    if (!best?.worker) throw new SfuError('SFU_NO_WORKER', 'no mediasoup worker is alive');
    return best.worker;
  }

  /** Per-worker figures; also refreshes the CPU samples used by leastLoaded(). */
  async stats(): Promise<WorkerStats[]> {
    await Promise.all(this.slots.map((slot) => this.sample(slot)));
    return this.slots.map((slot) => ({
      index: slot.index,
      pid: slot.worker?.pid ?? slot.lastPid,
      alive: slot.worker !== null,
      routers: slot.routers,
      restarts: slot.restarts,
      cpu: { ...slot.cpu },
      cpuLoad: slot.cpuLoad,
      maxRssKb: slot.maxRssKb,
    }));
  }

  /** Close every worker (and so every router/room on them). Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.sampleTimer) clearInterval(this.sampleTimer);
    this.sampleTimer = null;
    for (const slot of this.slots) {
      if (slot.respawnTimer) clearTimeout(slot.respawnTimer);
      slot.respawnTimer = null;
      const worker = slot.worker;
      slot.worker = null;
      worker?.close();
    }
  }

  private newSlot(index: number): Slot {
    return {
      index,
      worker: null,
      lastPid: 0,
      routers: 0,
      restarts: 0,
      deathTimes: [],
      cpu: { user: 0, system: 0 },
      cpuLoad: 0,
      maxRssKb: 0,
      sampledAt: 0,
      respawnTimer: null,
    };
  }

  private attach(slot: Slot, worker: types.Worker): void {
    if (this.isClosed) {
      // close() ran while this worker was starting.
      worker.close();
      return;
    }
    slot.worker = worker;
    slot.lastPid = worker.pid;
    slot.routers = 0;
    slot.cpu = { user: 0, system: 0 };
    slot.cpuLoad = 0;
    slot.sampledAt = 0;

    // Count routers through the observer so routers created by anyone are seen.
    worker.observer.on('newrouter', (router) => {
      slot.routers++;
      router.observer.once('close', () => {
        if (slot.worker === worker) slot.routers--;
      });
    });
    worker.on('died', (error) => this.onDied(slot, worker, error));
  }

  private onDied(slot: Slot, worker: types.Worker, error: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.routers = 0;
    const now = Date.now();
    slot.deathTimes = [...slot.deathTimes.filter((t) => now - t < DEATH_WINDOW_MS), now];
    this.logger.error('mediasoup worker died', { index: slot.index, pid: worker.pid, error: error.message });
    this.emit('workerdied', { index: slot.index, pid: worker.pid, error });
    if (!this.isClosed) this.scheduleRespawn(slot, worker.pid);
  }

  private scheduleRespawn(slot: Slot, previousPid: number): void {
    const attempts = Math.max(1, slot.deathTimes.length);
    const delay = Math.min(this.respawnDelayMs * 2 ** (attempts - 1), MAX_RESPAWN_DELAY_MS);
    slot.respawnTimer = setTimeout(() => {
      slot.respawnTimer = null;
      if (this.isClosed) return;
      this.spawn(this.settings).then(
        (worker) => {
          if (this.isClosed) {
            worker.close();
            return;
          }
          slot.restarts++;
          this.attach(slot, worker);
          this.logger.info('mediasoup worker respawned', { index: slot.index, pid: worker.pid });
          this.emit('workerrespawned', { index: slot.index, pid: worker.pid, previousPid });
        },
        (error: Error) => {
          this.logger.error('mediasoup worker respawn failed', { index: slot.index, error: error.message });
          slot.deathTimes.push(Date.now());
          this.emit('workerrespawnfailed', { index: slot.index, error });
          if (!this.isClosed) this.scheduleRespawn(slot, previousPid);
        },
      );
    }, delay);
  }

  private startSampling(intervalMs: number): void {
    if (intervalMs <= 0 || this.isClosed) return;
    this.sampleTimer = setInterval(() => {
      for (const slot of this.slots) void this.sample(slot);
    }, intervalMs);
    // Sampling must never keep the process alive on its own.
    this.sampleTimer.unref();
  }

  private async sample(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (!worker || worker.closed) return;
    let usage: types.WorkerResourceUsage;
    try {
      usage = await worker.getResourceUsage();
    } catch {
      return; // worker closing or dying; its 'died' handler does the bookkeeping
    }
    if (slot.worker !== worker) return;
    const now = Date.now();
    const used = usage.ru_utime + usage.ru_stime - (slot.cpu.user + slot.cpu.system);
    const wall = now - slot.sampledAt;
    if (slot.sampledAt > 0 && wall > 0) slot.cpuLoad = Math.max(0, used / wall);
    slot.cpu = { user: usage.ru_utime, system: usage.ru_stime };
    slot.maxRssKb = usage.ru_maxrss;
    slot.sampledAt = now;
  }
}
