import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@tongban/server/config/config';
import { openDatabase } from '@tongban/server/storage/database';
import { AuditLedger } from '@tongban/server/audit/AuditLedger';
import { systemClock } from '@tongban/server/clock';
import { ApiClient, TEST_PASSWORD } from '../support/testServer';
import { createCase, filesUnder, jpegBytes, upload } from '../support/caseFixtures';

/**
 * Kills the real server (a child process, as `npm start` runs it) with SIGKILL in the middle of
 * a slow upload, restarts it on the same data directory, and checks nothing half-written remains.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-crash-'));
const children = new Set<ChildProcess>();

function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      DEMO_PASSWORD: TEST_PASSWORD,
      OCR_WORKERS: '0',
      SFU_WORKERS: '1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Tongban Desk: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]! });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a multipart upload that keeps sending 64 KB every 10 ms until `stop()`. */
function slowUpload(url: string, cookie: string, caseId: string) {
  const boundary = '----tongban-crash';
  const req = http.request(`${url}/api/cases/${caseId}/materials/ID_CARD_FRONT`, {
    method: 'POST',
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
  });
  req.on('error', () => undefined); // the server dies under it
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big-scan.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  req.write(jpegBytes(64 * 1024));
  const timer = setInterval(() => req.write(jpegBytes(64 * 1024, 0x55)), 10);
  return {
    stop: () => {
      clearInterval(timer);
      req.destroy();
    },
  };
}

function tmpBytes(): number {
  return filesUnder(path.join(dataDir, 'tmp')).reduce((n, f) => n + fs.statSync(f).size, 0);
}

afterAll(async () => {
  for (const p of children) {
    p.kill('SIGKILL');
    await exited(p);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('crash during upload', () => {
  it('leaves no orphan row and no half blob after SIGKILL and restart', async () => {
    const first = await startServer();
    const clerk = await ApiClient.login(first.url, 'clerk');
    const { id } = await createCase(clerk);
    const blobsBefore = filesUnder(path.join(dataDir, 'blobs')).length;

    const up = slowUpload(first.url, clerk.cookieHeader, id);
    await until(() => tmpBytes() > 256 * 1024, 'the upload to reach the temp file');
    first.proc.kill('SIGKILL');
    await exited(first.proc);
    up.stop();

    // The crash happened mid-write: a partial temp file, nothing in the store, no row, no event.
    expect(tmpBytes()).toBeGreaterThan(256 * 1024);
    expect(filesUnder(path.join(dataDir, 'blobs'))).toHaveLength(blobsBefore);
    const db = openDatabase(path.join(dataDir, 'tongban.sqlite'));
    try {
      expect(db.prepare('SELECT COUNT(*) FROM case_materials').pluck().get()).toBe(0);
      expect(db.prepare('SELECT COUNT(*) FROM blobs').pluck().get()).toBe(0);
      expect(db.prepare("SELECT COUNT(*) FROM audit_events WHERE action = 'material.uploaded'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }

    const second = await startServer();
    // Start-up swept the temp file; the case is intact and takes a complete upload.
    expect(filesUnder(path.join(dataDir, 'tmp'))).toEqual([]);
    const clerk2 = await ApiClient.login(second.url, 'clerk');
    expect((await clerk2.get(`/api/cases/${id}`)).body.materials).toEqual([]);
    const ok = await upload(clerk2, id, 'ID_CARD_FRONT', jpegBytes(300 * 1024));
    expect(ok.status).toBe(201);
    second.proc.kill('SIGTERM');
    await exited(second.proc);

    const after = openDatabase(path.join(dataDir, 'tongban.sqlite'));
    try {
      expect(after.prepare('SELECT COUNT(*) FROM case_materials').pluck().get()).toBe(1);
      expect(filesUnder(path.join(dataDir, 'blobs'))).toHaveLength(blobsBefore + 1);
      expect(new AuditLedger(after, systemClock).verify().ok).toBe(true);
    } finally {
      after.close();
    }
  });
});
