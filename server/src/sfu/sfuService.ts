import os from 'node:os';
import { Room, WorkerPool, type RoomCloseReason, type RoomStats, type SfuLogger, type WorkerStats } from '@tongban/sfu';
import type { Config } from '../config/config';
import type { SfuHealthSource } from '../context';
import type { Logger } from '../logger';

/** The SFU room of a co-review session. */
export const reviewRoomKey = (sessionId: string) => `review:${sessionId}`;

export interface SfuStats {
  workers: WorkerStats[];
  rooms: RoomStats[];
  totals: { rooms: number; peers: number; transports: number; producers: number; consumers: number };
}

/**
 * The server's view of the SFU: one WorkerPool started from config, and one Room per room key
 * (a case's review session, or a /check self-test). Rooms are made on first use on the least
 * loaded worker; a room whose worker died is forgotten and its peers told to rejoin, which makes
 * a new room on a live worker.
 */
export class SfuService implements SfuHealthSource {
  private pool: Promise<WorkerPool> | undefined;
  private readonly rooms = new Map<string, Promise<Room>>();
  /** The same rooms once created, to see synchronously whether one has closed. */
  private readonly settled = new Map<string, Room>();
  private readonly resetListeners = new Set<(roomKey: string, reason: RoomCloseReason) => void>();
  private readonly createdListeners = new Set<(roomKey: string, room: Room) => void>();
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

  /** The room for `roomKey`, created on the least loaded live worker if it does not exist. */
  room(roomKey: string): Promise<Room> {
    if (this.settled.get(roomKey)?.closed) this.forget(roomKey);
    let room = this.rooms.get(roomKey);
    if (!room) {
      room = this.createRoom(roomKey);
      this.rooms.set(roomKey, room);
      room.catch(() => this.forget(roomKey));
    }
    return room;
  }

  /** The room if it exists already (for leaving without creating one). */
  existingRoom(roomKey: string): Promise<Room> | undefined {
    return this.rooms.get(roomKey);
  }

  /** Called when a room closes by itself (its worker died): its peers must rejoin. */
  onRoomReset(fn: (roomKey: string, reason: RoomCloseReason) => void): () => void {
    this.resetListeners.add(fn);
    return () => this.resetListeners.delete(fn);
  }

  /** Called when a room has been made (first join, or a rejoin after its worker died). */
  onRoomCreated(fn: (roomKey: string, room: Room) => void): () => void {
    this.createdListeners.add(fn);
    return () => this.createdListeners.delete(fn);
  }

  /**
   * Closes `room` if nobody is in it any more (frees its router). Synchronous on purpose: the key
   * is forgotten before anything else runs, so a join right after (a lone peer rejoining) makes a
   * fresh room instead of getting this one as it closes (SFU_ROOM_CLOSED).
   */
  closeRoomIfEmpty(roomKey: string, room: Room): void {
    if (this.settled.get(roomKey) !== room || room.closed || room.peerIds().length > 0) return;
    this.forget(roomKey);
    room.close();
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
    const rooms = (await Promise.all([...this.rooms.values()].map((r) => r.then((room) => room.stats()).catch(() => undefined)))).filter(
      (r): r is RoomStats => r !== undefined && !r.closed,
    );
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
    this.settled.clear();
  }

  private forget(roomKey: string): void {
    this.rooms.delete(roomKey);
    this.settled.delete(roomKey);
  }

  private async createRoom(roomKey: string): Promise<Room> {
    const pool = await this.start();
    const room = await Room.create(pool, {
      roomId: roomKey,
      listenIp: this.config.RTC_LISTEN_IP,
      announcedAddress: announcedAddress(this.config),
      maxTransportsPerPeer: this.config.RTC_MAX_TRANSPORTS_PER_PEER,
      logger: sfuLogger(this.log),
    });
    this.settled.set(roomKey, room);
    room.on('close', ({ reason }) => {
      // Only forget the room if the map still points at this one (a rejoin may have made a new one).
      if (this.settled.get(roomKey) === room) this.forget(roomKey);
      if (reason === 'worker-died') for (const fn of this.resetListeners) fn(roomKey, reason);
    });
    for (const fn of this.createdListeners) fn(roomKey, room);
    return room;
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
