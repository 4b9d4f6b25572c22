import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@tongban/server/config/config';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'server', 'bin', 'tongban.mjs');

/**
 * `tongban audit verify --data DIR` as an operator runs it: its own process, asynchronous so a
 * server in the test's process keeps serving meanwhile. A non-zero exit is returned, not thrown.
 */
export function auditVerify(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return tongbanCli(['audit', 'verify', '--data', dataDir]);
}

/** Any `tongban …` command, the same way. */
export async function tongbanCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
