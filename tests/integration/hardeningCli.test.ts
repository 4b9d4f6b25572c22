import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { createReadOnlyContext } from '@tongban/server/context';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { auditVerify, tongbanCli } from '../support/auditCli';
import { createCase, jpegBytes } from '../support/caseFixtures';

/**
 * `tongban audit verify` next to a live server: it opens the data read-only and starts nothing —
 * an upload in flight (its temp file), OCR jobs queued or running and FFmpeg's working files are
 * left alone, and not a byte of the database changes.
 */

let srv: TestServer;
let clerk: ApiClient;
let caseId: string;
beforeAll(async () => {
  srv = await startTestServer();
  clerk = await ApiClient.login(srv.url, 'clerk');
  caseId = (await createCase(clerk)).id;
});
afterAll(async () => {
  await srv?.stop();
});

/** A multipart upload whose body is sent in two parts: the request is in flight until `finish()`. */
function uploadInFlight(url: string, cookie: string, id: string) {
  const boundary = '----tongban-inflight';
  const req = http.request(`${url}/api/cases/${id}/materials/ID_CARD_FRONT`, {
    method: 'POST',
    headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  req.write(jpegBytes(256 * 1024));
  return {
    finish: () => {
      req.end(Buffer.concat([jpegBytes(256 * 1024, 0x33), Buffer.from(`\r\n--${boundary}--\r\n`)]));
      return response;
    },
  };
}

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sha256 = (file: string) => (fs.existsSync(file) ? createHash('sha256').update(fs.readFileSync(file)).digest('hex') : 'absent');

describe('read-only CLI commands on a live server', () => {
  it('audit verify leaves an upload in flight, OCR jobs, recordings and the database untouched', async () => {
    const { db } = srv.ctx;
    const { dataDir } = srv;
    const tmpDir = path.join(dataDir, 'tmp');
    const up = uploadInFlight(srv.url, clerk.cookieHeader, caseId);
    await until(() => fs.readdirSync(tmpDir).length > 0, 'the upload to reach its temp file');
    const inFlight = fs.readdirSync(tmpDir);

    // OCR jobs as a busy server has them: one being read now, one waiting.
    const insertJob = db.prepare(
      `INSERT INTO precheck_jobs (id, case_id, material_id, sha256, slot_json, camera, status, attempts, created_at)
       VALUES (?, ?, 'm-1', ?, '{}', 0, ?, ?, ?)`,
    );
    insertJob.run('job-running', caseId, 'a'.repeat(64), 'running', 1, new Date().toISOString());
    insertJob.run('job-queued', caseId, 'b'.repeat(64), 'queued', 0, new Date().toISOString());
    const jobs = () => db.prepare(`SELECT id, status, attempts, error_code FROM precheck_jobs WHERE case_id = ? ORDER BY id`).all(caseId);
    const jobsBefore = jobs();
    // FFmpeg's working file of a call being recorded now.
    const recordingFile = path.join(dataDir, 'recording-tmp', 'segment-in-progress.webm');
    fs.writeFileSync(recordingFile, 'webm bytes');

    const dbFile = path.join(dataDir, 'tongban.sqlite');
    const before = { db: sha256(dbFile), wal: sha256(`${dbFile}-wal`) };

    const r = await auditVerify(dataDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/audit chain intact: \d+ events/);

    expect(fs.readdirSync(tmpDir)).toEqual(inFlight);
    expect(jobs()).toEqual(jobsBefore);
    expect(fs.existsSync(recordingFile)).toBe(true);
    expect({ db: sha256(dbFile), wal: sha256(`${dbFile}-wal`) }).toEqual(before);

    // The upload that was in flight completes.
    const done = await up.finish();
    expect(done.status, done.body).toBe(201);
    expect((await clerk.get(`/api/cases/${caseId}`)).body.materials).toHaveLength(1);
  });

  it('a command that opens the whole site (seed) leaves the server’s upload in flight, OCR jobs and FFmpeg files alone', async () => {
    const { db } = srv.ctx;
    const tmpDir = path.join(srv.dataDir, 'tmp');
    const up = uploadInFlight(srv.url, clerk.cookieHeader, caseId);
    await until(() => fs.readdirSync(tmpDir).length > 0, 'the upload to reach its temp file');
    const inFlight = fs.readdirSync(tmpDir);
    db.prepare(
      `INSERT INTO precheck_jobs (id, case_id, material_id, sha256, slot_json, camera, status, attempts, created_at)
       VALUES ('job-running-2', ?, 'm-2', ?, '{}', 0, 'running', 1, ?)`,
    ).run(caseId, 'c'.repeat(64), new Date().toISOString());
    const recordingFile = path.join(srv.dataDir, 'recording-tmp', 'segment-in-progress-2.webm');
    fs.writeFileSync(recordingFile, 'webm bytes');

    const r = await tongbanCli(['seed', '--data', srv.dataDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('already seeded');

    // Recovering a crashed server's leftovers is the server's own start, never a CLI command's.
    expect(fs.readdirSync(tmpDir)).toEqual(inFlight);
    expect(db.prepare(`SELECT status FROM precheck_jobs WHERE id = 'job-running-2'`).pluck().get()).toBe('running');
    expect(fs.existsSync(recordingFile)).toBe(true);
    const done = await up.finish();
    expect(done.status, done.body).toBe(201);
  });

  it('the read-only context opens SQLite read-only: a write is refused', async () => {
    const ctx = createReadOnlyContext(loadConfig({}, { DATA_DIR: srv.dataDir, LOG_LEVEL: 'silent' }), createLogger('silent'));
    try {
      expect(ctx.db.readonly).toBe(true);
      expect(ctx.ledger.verify().ok).toBe(true);
      expect(() => ctx.db.prepare(`UPDATE precheck_jobs SET status = 'queued'`).run()).toThrow(/readonly/i);
    } finally {
      await ctx.close();
    }
  });

  it('on a directory without a database it says so and creates nothing', async () => {
    const empty = fs.mkdtempSync(path.join(path.dirname(srv.dataDir), 'tongban-empty-'));
    try {
      const r = await auditVerify(empty);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('NOT_FOUND');
      expect(fs.readdirSync(empty)).toEqual([]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
