import type { ReviewRecordingView } from '@tongban/shared/review/session';
import type { Db } from '../storage/database';

interface RecordingRow {
  id: string;
  peer_role: string;
  source: ReviewRecordingView['source'];
  tracks: string;
  status: ReviewRecordingView['status'];
  started_at: string;
  ended_at: string | null;
  sha256: string | null;
  media_type: string | null;
  size: number | null;
  duration_ms: number | null;
}

/** A session's recording files, oldest first (read by the session view and the download route). */
export function recordingViews(db: Db, sessionId: string): ReviewRecordingView[] {
  const rows = db
    .prepare(
      `SELECT id, peer_role, source, tracks, status, started_at, ended_at, sha256, media_type, size, duration_ms
         FROM review_recordings WHERE session_id = ? ORDER BY started_at, id`,
    )
    .all(sessionId) as RecordingRow[];
  return rows.map((r) => ({
    id: r.id,
    role: r.peer_role,
    source: r.source,
    tracks: r.tracks,
    status: r.status,
    startedAt: r.started_at,
    ...(r.ended_at ? { endedAt: r.ended_at } : {}),
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
    ...(r.media_type ? { mediaType: r.media_type } : {}),
    ...(r.size !== null ? { size: r.size } : {}),
    ...(r.duration_ms !== null ? { durationSeconds: Math.round(r.duration_ms / 100) / 10 } : {}),
  }));
}
