import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { AppError } from '@tongban/shared';
import { RECORDING_MEDIA_TYPES, recordingFileName } from '@tongban/shared/review/recordingFiles';
import { isRecorded, type RecordingAvailability, type ReviewConsent, type ReviewStatus } from '@tongban/shared/review/session';
import { RecordingPorts, RoomRecorder, type FinishedSegment, type RecordingSegment, type Room } from '@tongban/sfu';
import { actorOf, type SessionUser } from '../auth/AuthService';
import { SYSTEM_ACTOR, type AuditLedger } from '../audit/AuditLedger';
import type { Clock } from '../clock';
import type { Config } from '../config/config';
import type { Logger } from '../logger';
import type { BlobStore } from '../storage/BlobStore';
import type { Db } from '../storage/database';
import { sfuLogger } from '../call/sfuService';
import type { CallModule } from '../call/callModule';
import type { ReviewSessionService } from './ReviewSessionService';

const run = promisify(execFile);
/** FFmpeg finalises a file and the blob store takes it within a few seconds of the call ending. */
const SETTLE_TIMEOUT_MS = 20_000;
const SETTLE_POLL_MS = 100;

/** What recording is built on (besides the sessions it follows and their calls). */
export interface RecordingDeps {
  db: Db;
  clock: Clock;
  ledger: AuditLedger;
  blobs: BlobStore;
  log: Logger;
  config: Config;
}

interface SessionState {
  status: ReviewStatus;
  caseId: string;
  consent?: ReviewConsent;
}

/**
 * Records co-review calls whose applicant consented (consent.recordingAllowed), and only while
 * the session is open. Follows the session (consent recorded → start; decided / cancelled →
 * stop) and its call (a call started again after a worker died is recorded again). Each file
 * FFmpeg finishes goes into the blob store as evidence of the session, with audit events for the
 * start, the stored file (sha256, size, duration) and failures; a failure never touches the call.
 */
export class ReviewRecordingService {
  private readonly ports: RecordingPorts;
  private readonly dir: string;
  private readonly recorders = new Map<string, { room: Room; recorder: RoomRecorder }>();
  private readonly storing = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly ctx: RecordingDeps,
    private readonly review: ReviewSessionService,
    /** The live calls: recording follows a session's call as it starts, and joins one under way. */
    private readonly calls: Pick<CallModule, 'events' | 'roomOf'>,
    /** Probed once at start (recordingAvailability): nothing follows sessions when it is false. */
    readonly availability: RecordingAvailability,
  ) {
    this.ports = new RecordingPorts({ min: ctx.config.RECORDING_MIN_PORT, max: ctx.config.RECORDING_MAX_PORT });
    // FFmpeg's working files (see recoverInterrupted).
    this.dir = path.join(ctx.config.dataDir, 'recording-tmp');
    fs.mkdirSync(this.dir, { recursive: true });
    if (!availability.available) return;
    review.on('session', (view) => this.follow(view.id));
    calls.events.on('callStarted', ({ key, room }) => {
      if (key.kind === 'review') this.follow(key.sessionId, room);
    });
  }

  /** FFmpeg processes recording now (all sessions). */
  processes(): number[] {
    return [...this.recorders.values()].flatMap((r) => r.recorder.processes());
  }

  /**
   * The stored file of a recording, for the case's participants (not admins). Every download is audited as
   * `review.recording_downloaded` (ids, role and camera only): it is identity-verification video.
   */
  openRecording(user: SessionUser, sessionId: string, recordingId: string): { fileName: string; size: number; stream: Readable } {
    const session = this.review.forFiles(user, sessionId);
    const rec = session.recordings.find((r) => r.id === recordingId);
    if (rec?.status !== 'stored' || !rec.sha256 || rec.size === undefined) throw new AppError('NOT_FOUND', { details: { recordingId } });
    if (this.ctx.db.prepare('SELECT purged_at FROM review_recordings WHERE id = ?').pluck().get(recordingId)) {
      throw new AppError('RETENTION_PURGED', { details: { recordingId, sha256: rec.sha256 } });
    }
    this.ctx.ledger.record(actorOf(user), 'review.recording_downloaded', {
      caseId: session.caseId,
      details: { sessionId, recordingId, role: rec.role, source: rec.source, sha256: rec.sha256 },
    });
    return {
      fileName: `${session.caseNo}-${recordingFileName(rec)}`,
      size: rec.size,
      stream: this.ctx.blobs.open(rec.sha256),
    };
  }

  /**
   * Resolves once no recording of the session is still being written (FFmpeg finishing its file
   * and the store after a decision take a moment), or after `timeoutMs`: a handoff bag built right
   * after the decision then carries the files instead of counting them as unfinished.
   */
  async settled(sessionId: string, timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    const pending = this.ctx.db.prepare("SELECT 1 FROM review_recordings WHERE session_id = ? AND status = 'recording' LIMIT 1").pluck();
    const deadline = Date.now() + timeoutMs;
    while (pending.get(sessionId) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, SETTLE_POLL_MS));
  }

  /** Stops every recording and waits until their files are stored. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.recorders.values()].map((r) => r.recorder.stop()));
    this.recorders.clear();
    while (this.storing.size > 0) await Promise.all([...this.storing]);
  }

  /** Start or stop recording `sessionId` to match its state; `created` is its call's room when just made. */
  private follow(sessionId: string, created?: Room): void {
    if (this.closed) return;
    const state = this.sessionState(sessionId);
    const current = this.recorders.get(sessionId);
    if (!state || !isRecorded(state, this.availability)) {
      if (current) {
        this.recorders.delete(sessionId);
        void current.recorder.stop();
      }
      return;
    }
    if (current?.recorder.active && (!created || created === current.room)) return;
    const room = created ?? this.calls.roomOf({ kind: 'review', sessionId });
    if (!room || room.closed) return;
    if (current) void current.recorder.stop();
    this.recorders.set(sessionId, { room, recorder: this.record(sessionId, state.caseId, room) });
  }

  private record(sessionId: string, caseId: string, room: Room): RoomRecorder {
    const recorder = new RoomRecorder(room, {
      dir: this.dir,
      ports: this.ports,
      maxSeconds: this.ctx.config.RECORDING_MAX_SECONDS,
      ffmpegPath: this.ctx.config.FFMPEG_PATH,
      logger: sfuLogger(this.ctx.log),
    });
    recorder.on('started', (segment) => this.started(sessionId, caseId, segment));
    recorder.on('finished', (segment) => {
      const p = this.finished(sessionId, caseId, segment)
        .catch((err: Error) => this.ctx.log.error({ err: err.message, sessionId, recordingId: segment.id }, 'recording not stored'))
        .finally(() => this.storing.delete(p));
      this.storing.add(p);
    });
    return recorder;
  }

  private started(sessionId: string, caseId: string, segment: RecordingSegment): void {
    const role = roleOf(segment);
    const tracks = tracksOf(segment);
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(
          `INSERT INTO review_recordings (id, session_id, case_id, peer_role, source, tracks, status, started_at)
           VALUES (?, ?, ?, ?, ?, ?, 'recording', ?)`,
        )
        .run(segment.id, sessionId, caseId, role, segment.group, tracks, this.ctx.clock.now().toISOString());
      this.ctx.ledger.append(SYSTEM_ACTOR, 'review.recording_started', {
        caseId,
        details: { sessionId, recordingId: segment.id, role, source: segment.group, tracks },
      });
    })();
  }

  private async finished(sessionId: string, caseId: string, segment: FinishedSegment): Promise<void> {
    try {
      const size = fs.statSync(segment.path, { throwIfNoEntry: false })?.size ?? 0;
      const error = segment.error ?? (size === 0 ? 'no media was written (the call ended before a key frame arrived)' : undefined);
      if (error) {
        this.ctx.log.error({ sessionId, recordingId: segment.id, error }, 'recording failed');
        this.fail(sessionId, caseId, segment.id, error);
        return;
      }
      const durationMs = await probeDurationMs(segment.path);
      const mediaType = RECORDING_MEDIA_TYPES[segment.container];
      const stored = await this.ctx.blobs.store(fs.createReadStream(segment.path), { mediaType });
      const now = this.ctx.clock.now().toISOString();
      this.ctx.db.transaction(() => {
        this.ctx.db
          .prepare(
            `UPDATE review_recordings SET status = 'stored', ended_at = ?, sha256 = ?, media_type = ?, size = ?, duration_ms = ? WHERE id = ?`,
          )
          .run(now, stored.sha256, mediaType, stored.size, durationMs, segment.id);
        this.ctx.ledger.append(SYSTEM_ACTOR, 'review.recording_stored', {
          caseId,
          details: {
            sessionId,
            recordingId: segment.id,
            sha256: stored.sha256,
            size: stored.size,
            durationSeconds: Math.round(durationMs / 100) / 10,
            reachedMaxDuration: segment.reachedMaxDuration,
          },
        });
      })();
    } finally {
      fs.rmSync(segment.path, { force: true });
    }
  }

  /**
   * At server start: a file left in FFmpeg's working folder was never stored and is not evidence;
   * rows still `recording` lost their FFmpeg with the previous process — say so, rather than leave
   * them pending forever.
   */
  recoverInterrupted(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    const rows = this.ctx.db.prepare("SELECT id, session_id, case_id FROM review_recordings WHERE status = 'recording'").all() as Array<{
      id: string;
      session_id: string;
      case_id: string;
    }>;
    for (const r of rows) this.fail(r.session_id, r.case_id, r.id, 'the server stopped before the file was stored');
  }

  private fail(sessionId: string, caseId: string, recordingId: string, error: string): void {
    this.ctx.db.transaction(() => {
      this.ctx.db
        .prepare(`UPDATE review_recordings SET status = 'failed', ended_at = ?, error = ? WHERE id = ?`)
        .run(this.ctx.clock.now().toISOString(), error.slice(0, 1000), recordingId);
      this.ctx.ledger.append(SYSTEM_ACTOR, 'review.recording_failed', {
        caseId,
        details: { sessionId, recordingId, error: error.slice(0, 300) },
      });
    })();
  }

  private sessionState(sessionId: string): SessionState | undefined {
    const row = this.ctx.db.prepare('SELECT status, case_id, consent_json FROM review_sessions WHERE id = ?').get(sessionId) as
      { status: ReviewStatus; case_id: string; consent_json: string | null } | undefined;
    if (!row) return undefined;
    return {
      status: row.status,
      caseId: row.case_id,
      ...(row.consent_json ? { consent: JSON.parse(row.consent_json) as ReviewConsent } : {}),
    };
  }
}

function roleOf(segment: RecordingSegment): string {
  const role = segment.producers.find((p) => typeof p.appData['role'] === 'string')?.appData['role'];
  return typeof role === 'string' ? role : 'participant';
}

function tracksOf(segment: RecordingSegment): string {
  return segment.producers.map((p) => p.kind).join('+');
}

/** The file's duration as FFmpeg wrote it into the container. */
async function probeDurationMs(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { timeout: 30_000 });
  const seconds = Number.parseFloat(stdout.trim());
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0;
}
