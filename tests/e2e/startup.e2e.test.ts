import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from '../support/chromium';
import { freePort } from '../support/freePort';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm start` as an operator runs it: a child process, a fresh data directory, a printed URL. */
describe('npm start', () => {
  let child: ChildProcess;
  let url = '';
  let output = '';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-start-'));

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DEMO_PASSWORD: 'start-test-pass',
        LOG_LEVEL: 'warn',
        SFU_WORKERS: '2',
        OCR_WORKERS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline && !url) {
      const m = /Tongban Desk: (https?:\/\/\S+)/.exec(output);
      if (m) url = m[1]!;
      else if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      else await new Promise((r) => setTimeout(r, 200));
    }
    if (!url) throw new Error(`no URL printed:\n${output}`);
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URL and reports live SFU workers, OCR ready and the database from /api/health', async () => {
    let health: any;
    const deadline = Date.now() + 60_000;
    do {
      health = await (await fetch(`${url}/api/health`)).json();
      if (health.status === 'ok') break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(health.status, JSON.stringify(health)).toBe('ok');
    expect(health.db).toBe('ok');
    expect(health.ocr.ready).toBe(true);
    expect(health.sfu.workers).toHaveLength(2);
    // Recording needs FFmpeg at run time: health and the banner both say whether it is there.
    expect(health.recording).toMatchObject({ available: true, ffmpegVersion: expect.stringMatching(/^\d/) });
    expect(output).toMatch(/录像可用 recording available \(ffmpeg \d/);
    // OCR workers warmed up without tesseract's garbled "Error opening data file ./<garbage>" line.
    expect(output).not.toMatch(/Error opening data file|Failed loading language/);
    for (const w of health.sfu.workers) {
      expect(w.alive).toBe(true);
      expect(() => process.kill(w.pid, 0)).not.toThrow(); // a real, running worker process
    }
  });

  it('serves the built client, which loads without console errors', async () => {
    let browser: ChromiumSession | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${url}/login`);
      await expect.poll(() => page.title()).toContain('通办视审台');
      await page.getByLabel(/用户名/).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
