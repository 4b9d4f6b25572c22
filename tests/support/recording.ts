import fs from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** FFmpeg processes whose parent is this process (the in-process test server spawns them). */
export function ffmpegChildren(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …": comm may contain spaces, so split after the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === 'ffmpeg' && ppid === process.pid) pids.push(Number(entry));
  }
  return pids;
}

export interface ProbedRecording {
  codecs: string[];
  durationSeconds: number;
  videoFrames: number;
  /** What `ffmpeg -v error -i file -f null -` printed, except repeated timestamps: empty when the whole file decodes cleanly. */
  decodeErrors: string;
  /**
   * Frames the null muxer saw with the timestamp of the frame before ("non monotonically increasing
   * dts"). Seen a handful of times per file under CI load after a worker restart (packets lost on
   * the way into FFmpeg); the file still plays, so a test bounds how many there may be.
   */
  repeatedTimestamps: number;
}

const REPEATED_DTS = /non monotonically increasing dts to muxer/;

/** Debian ffprobe/ffmpeg's view of a recording: streams, duration, decoded video frames, decode errors. */
export async function probeRecording(file: string): Promise<ProbedRecording> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file]);
  const info = JSON.parse(stdout) as {
    streams: Array<{ codec_type: string; codec_name: string; nb_read_frames?: string }>;
    format: { duration?: string };
  };
  const decode = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-']);
  const lines = decode.stderr.trim().split('\n').filter(Boolean);
  return {
    codecs: info.streams.map((s) => s.codec_name).sort(),
    durationSeconds: Number(info.format.duration ?? 0),
    videoFrames: Number(info.streams.find((s) => s.codec_type === 'video')?.nb_read_frames ?? 0),
    decodeErrors: lines.filter((l) => !REPEATED_DTS.test(l)).join('\n'),
    repeatedTimestamps: lines.filter((l) => REPEATED_DTS.test(l)).length,
  };
}
