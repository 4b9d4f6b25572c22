import { execFileSync } from 'node:child_process';

export type FfmpegProbe = { found: true; version: string } | { found: false; error: string };

/**
 * Whether FFmpeg can be run, and its version (`ffmpeg version 5.1.8-0+deb12u1 …` → `5.1.8-0+deb12u1`).
 * Synchronous on purpose: it runs once at start, before the server offers recording to anyone.
 */
export function probeFfmpeg(ffmpegPath = 'ffmpeg'): FfmpegProbe {
  try {
    const out = execFileSync(ffmpegPath, ['-hide_banner', '-version'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const version = /ffmpeg version (\S+)/.exec(out)?.[1];
    return version ? { found: true, version } : { found: false, error: `${ffmpegPath} -version printed no version` };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { found: false, error: err.code === 'ENOENT' ? `${ffmpegPath} not found` : err.message.split('\n')[0]! };
  }
}
