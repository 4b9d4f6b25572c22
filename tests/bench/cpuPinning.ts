import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Read once, before any pinning: availableParallelism() follows this process's own affinity. */
const CORES = availableParallelism();

/** The measured process (an SFU worker, the API server) alone on one core, the load on the others. */
export interface CoreSplit {
  /** The measured process's core. */
  worker: number;
  /** Everyone else's cores (this process, load generators, feeders, FFmpeg…), as a taskset list. */
  rest: string;
}

/** The last core for the measured worker, the others for the load; null on a one-core host. */
export function coreSplit(): CoreSplit | null {
  const n = CORES;
  return n < 2 ? null : { worker: n - 1, rest: n === 2 ? '0' : `0-${n - 2}` };
}

/**
 * Pin every thread of `pid` (util-linux taskset) to the measured worker's core ('last') or to the
 * others ('rest'). Children started afterwards inherit it. Returns the split, or null where the host
 * has one core (nothing to separate).
 */
export async function pinToCore(pid: number, which: 'last' | 'rest'): Promise<CoreSplit | null> {
  const split = coreSplit();
  if (!split) return null;
  await run('taskset', ['-a', '-p', '-c', which === 'last' ? String(split.worker) : split.rest, String(pid)]);
  return split;
}

/** Give `pid` every core back. */
export async function unpin(pid: number): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', `0-${CORES - 1}`, String(pid)]);
}
