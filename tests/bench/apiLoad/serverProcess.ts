import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@tongban/server/config/config';
import { freePort } from '../../support/freePort';

/**
 * The real server (`server/src/main.ts`, as `npm start` runs it) in a child process of its own,
 * so the load generator never shares its event loop. Logs stay at the production level (info)
 * and are counted, not printed.
 */
export interface ServerProcess {
  url: string;
  pid: number;
  /** CPU seconds (user + system, all threads: the OCR workers too) the process has used so far. */
  cpuSeconds(): number;
  logLines(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

export async function startServerProcess(
  dataDir: string,
  env: Record<string, string>,
  opts: { cpuProfileDir?: string } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    '--import',
    'tsx',
    ...(opts.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`] : []),
    'server/src/main.ts',
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s: ${stderr.slice(-2000)}`)), 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      lines += chunk.split('\n').length - 1;
      const m = /Tongban Desk: (https?:\/\/\S+)/.exec(chunk);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderr.slice(-2000)}`));
    });
  });
  const pid = child.pid!;
  return {
    url,
    pid,
    cpuSeconds() {
      // /proc/<pid>/stat: fields 14 and 15 are utime and stime, after the "(comm)" field.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    logLines: () => lines,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The main thread's `.cpuprofile` of a `--cpu-prof` run in `dir` (the largest: tsx's loader thread has one too). */
export function mainThreadProfile(dir: string): string | undefined {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}
