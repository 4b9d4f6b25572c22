import { probeFfmpeg } from '@tongban/sfu';
import type { RecordingAvailability } from '@tongban/shared/review/session';
import type { Config } from '../config/config';

/** Decided once at start: recording is offered only when it is switched on and FFmpeg runs. */
export function recordingAvailability(config: Pick<Config, 'RECORDING_ENABLED' | 'FFMPEG_PATH'>): RecordingAvailability {
  if (!config.RECORDING_ENABLED) return { available: false, reason: 'disabled' };
  const probe = probeFfmpeg(config.FFMPEG_PATH);
  return probe.found
    ? { available: true, ffmpegVersion: probe.version }
    : { available: false, reason: 'ffmpeg_missing', detail: probe.error };
}

/** One line for the start banner and logs. */
export function describeRecording(r: RecordingAvailability): string {
  if (r.available) return `录像可用 recording available (ffmpeg ${r.ffmpegVersion})`;
  if (r.reason === 'disabled') return '录像已关闭 recording disabled (RECORDING_ENABLED=false)';
  return `录像不可用 recording unavailable: ${r.detail ?? 'ffmpeg not found'} — run: apt-get install -y ffmpeg`;
}
