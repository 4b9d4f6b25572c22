import type { ReviewRecordingView } from './session';

/** What FFmpeg writes a recording as: WebM for VP8/VP9 + Opus, Matroska for anything else. */
export const RECORDING_MEDIA_TYPES = { webm: 'video/webm', matroska: 'video/x-matroska' } as const;

/**
 * A recording's file name, the same in a download and in the handoff bag: who, which camera, which
 * file (`clerk-camera-1a2b3c4d.webm`). ASCII only, so zip tools and browsers keep it as it is.
 */
export function recordingFileName(rec: Pick<ReviewRecordingView, 'id' | 'role' | 'source' | 'mediaType'>): string {
  const ext = rec.mediaType === RECORDING_MEDIA_TYPES.matroska ? 'mkv' : 'webm';
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '');
  return `${safe(rec.role)}-${safe(rec.source)}-${safe(rec.id).slice(0, 8)}.${ext}`;
}
