import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@tongban/server/config/config';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/install/debian-packages.sh');

/**
 * `npm install` / `npm test` bring their Debian packages through scripts/install/debian-packages.sh.
 * Without root it must not try apt-get: it names what is missing and prints the one line to run.
 * A stand-in `dpkg-query` that reports nothing installed plays the fresh machine.
 */
describe('Debian packages of the project', () => {
  it('without root: names the missing packages, prints the apt-get line and fails', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-dpkg-'));
    fs.chmodSync(bin, 0o755);
    fs.writeFileSync(path.join(bin, 'dpkg-query'), '#!/bin/sh\necho not-installed\n', { mode: 0o755 });
    // A copy `nobody` can read: a clone under /root (mode 700) is not (seen on a fresh machine).
    const script = path.join(bin, 'debian-packages.sh');
    fs.copyFileSync(SCRIPT, script);
    fs.chmodSync(script, 0o755);
    try {
      const err = await run('runuser', ['-u', 'nobody', '--', 'env', `PATH=${bin}:/usr/bin:/bin`, 'bash', script, 'runtime']).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code).toBe(1);
      expect(err?.stderr).toContain('missing Debian packages (runtime): ffmpeg fonts-noto-cjk');
      expect(err?.stderr).toContain('apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk');
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('with everything installed it does nothing and succeeds; each set lists its packages', async () => {
    await expect(run('bash', [SCRIPT, 'runtime'])).resolves.toMatchObject({ stdout: '' });
    const test = (await run('bash', [SCRIPT, 'test', '--list'])).stdout.split('\n');
    expect(test).toEqual(expect.arrayContaining(['chromium', 'qpdf', 'zbar-tools', 'poppler-utils', 'tesseract-ocr', 'ffmpeg']));
    await expect(run('bash', [SCRIPT, 'nonsense'])).rejects.toMatchObject({ code: 2 });
  });
});
