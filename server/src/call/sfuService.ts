import os from 'node:os';
import { Room, WorkerPool, type RoomStats, type SfuLogger, type WorkerStats } from '@tongban/sfu';
import type { Config } from '../config/config';
import type { Logger } from '../logger';

export interface SfuStats {
  workers: WorkerStats[];
  rooms: RoomStats[];
  totals: { rooms: number; peers: number; transports: number; producers: number; consumers: number };
}

/**
 * The server's view of the SFU: one WorkerPool started from config, and the rooms made on it
 * (which call a room belongs to is CallRegistry's business).
 */
export class SfuService {
  private pool: Promise<WorkerPool> | undefined;
  private readonly rooms = new Set<Room>();
  private closed = false;

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Starts the workers (idempotent). `npm start` calls it at boot so a missing worker binary shows at once. */
  start(): Promise<WorkerPool> {
    this.pool ??= WorkerPool.create({
      numWorkers: this.config.SFU_WORKERS,
      rtcMinPort: this.config.RTC_MIN_PORT,
      rtcMaxPort: this.config.RTC_MAX_PORT,
      logger: sfuLogger(this.log),
    }).then((pool) => {
      pool.on('workerdied', (e) => this.log.error({ index: e.index, pid: e.pid, err: e.error.message }, 'mediasoup worker died'));
      pool.on('workerrespawned', (e) => this.log.info({ index: e.index, pid: e.pid }, 'mediasoup worker respawned'));
      if (this.closed) pool.close();
      return pool;
    });
    return this.pool;
  }

  /** A new room on the least loaded live worker. */
  async createRoom(roomId: string): Promise<Room> {
    const pool = await this.start();
    const room = await Room.create(pool, {
      roomId,
      listenIp: this.config.RTC_LISTEN_IP,
      announcedAddress: announcedAddress(this.config),
      maxTransportsPerPeer: this.config.RTC_MAX_TRANSPORTS_PER_PEER,
      logger: sfuLogger(this.log),
    });
    this.rooms.add(room);
    room.once('close', () => this.rooms.delete(room));
    return room;
  }

  async health(): Promise<{
    workers: Array<{ pid: number; alive: boolean } & Record<string, unknown>>;
    rooms: number;
    consumers: number;
    error?: string;
  }> {
    try {
      const s = await this.stats();
      return { workers: s.workers.map((w) => ({ ...w })), rooms: s.totals.rooms, consumers: s.totals.consumers };
    } catch (e) {
      return { workers: [], rooms: 0, consumers: 0, error: (e as Error).message };
    }
  }

  /** Per-worker CPU and routers, per-room transports/producers/consumers (supervisor view). */
  async stats(): Promise<SfuStats> {
    const pool = await this.start();
    const workers = await pool.stats();
    const rooms = [...this.rooms].map((room) => room.stats()).filter((r) => !r.closed);
    const totals = { rooms: rooms.length, peers: 0, transports: 0, producers: 0, consumers: 0 };
    for (const r of rooms) {
      totals.peers += r.peers;
      totals.transports += r.transports;
      totals.producers += r.producers;
      totals.consumers += r.consumers;
    }
    return { workers, rooms, totals };
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = await this.pool?.catch(() => undefined);
    pool?.close();
    this.rooms.clear();
  }
}

/**
 * What goes in ICE candidates. A wildcard listen address is not reachable, so without
 * RTC_ANNOUNCED_ADDRESS the host's first LAN IPv4 address is announced (a LAN trial works as is).
 */
export function announcedAddress(config: Pick<Config, 'RTC_LISTEN_IP' | 'RTC_ANNOUNCED_ADDRESS'>): string | undefined {
  if (config.RTC_ANNOUNCED_ADDRESS) return config.RTC_ANNOUNCED_ADDRESS;
  if (config.RTC_LISTEN_IP !== '0.0.0.0' && config.RTC_LISTEN_IP !== '::') return undefined;
  for (const addrs of Object.values(os.networkInterfaces())) {
    const lan = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (lan) return lan.address;
  }
  return '127.0.0.1';
}

/** The server's pino logger in the shape the SFU layer writes to. */
export function sfuLogger(log: Logger): SfuLogger {
  return {
    info: (message, meta) => log.info(meta ?? {}, message),
    warn: (message, meta) => log.warn(meta ?? {}, message),
    error: (message, meta) => log.error(meta ?? {}, message),
  };
}
