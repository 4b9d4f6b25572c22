import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AuditEvent } from '@tongban/shared';
import type { ReviewExport, ReviewRecordingView, ReviewSessionView } from '@tongban/shared/review/session';
import { ApiClient } from '../support/testServer';
import { startCallBrowser, type CallBrowser } from '../support/callBrowser';
import { createPrecheckedCase, openActiveSession, passIdentityChecks } from '../support/reviewFixtures';
import { diagnostics, joinCall, mediaFlowing } from '../support/callPage';
import { ffmpegChildren, probeRecording } from '../support/recording';
import { readZip } from '../support/handoffZip';

/**
 * Recording a co-review call with the applicant's consent: FFmpeg fed by the real SFU from two
 * Chromium desks, files checked with Debian's ffprobe/ffmpeg. Stored recordings travel in the
 * case's handoff bag (checked with unzip, sha256sum, ffprobe), and every download is audited.
 * Without consent, nothing records.
 */
const run = promisify(execFile);
let cb: CallBrowser;
let clerk: ApiClient;
let reviewer: ApiClient;
const pages: Page[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-recording-'));

beforeAll(async () => {
  cb = await startCallBrowser({
    rtcMinPort: 46400,
    env: { OCR_WORKERS: 1, SFU_WORKERS: 2, RECORDING_MIN_PORT: 46600, RECORDING_MAX_PORT: 46699 },
  });
  clerk = await ApiClient.login(cb.url, 'clerk');
  reviewer = await ApiClient.login(cb.url, 'reviewer');
});
afterAll(async () => {
  await cb?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh active session with the clerk and the reviewer in the call, media flowing both ways. */
async function callInProgress(): Promise<{ sessionId: string; caseId: string; clerkPage: Page; reviewerPage: Page }> {
  const caseId = (await createPrecheckedCase(clerk)).id;
  const sessionId = await openActiveSession(clerk, reviewer, caseId);
  for (const p of pages.splice(0)) await p.close();
  const clerkPage = await cb.newPage();
  const reviewerPage = await cb.newPage();
  pages.push(clerkPage, reviewerPage);
  await cb.login(clerkPage, 'clerk');
  await cb.login(reviewerPage, 'reviewer');
  await joinCall(clerkPage, cb.url, sessionId);
  await joinCall(reviewerPage, cb.url, sessionId);
  const [c, r] = await Promise.all([mediaFlowing(clerkPage, 2), mediaFlowing(reviewerPage, 2)]);
  expect(c.videoFramesDecoded).toBeGreaterThan(0);
  expect(r.videoFramesDecoded).toBeGreaterThan(0);
  return { sessionId, caseId, clerkPage, reviewerPage };
}

const session = async (sessionId: string): Promise<ReviewSessionView> => (await clerk.get(`/api/review/sessions/${sessionId}`)).body;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const recordingsOf = async (sessionId: string, status?: ReviewRecordingView['status']) =>
  (await session(sessionId)).recordings.filter((r) => !status || r.status === status);

/** Downloads a stored recording through the API and checks it with ffprobe / ffmpeg. */
async function expectPlayable(sessionId: string, rec: ReviewRecordingView, minSeconds: number): Promise<void> {
  const res = await reviewer.get(`/api/review/sessions/${sessionId}/recordings/${rec.id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('video/webm');
  const file = path.join(tmp, `${rec.id}.webm`);
  fs.writeFileSync(file, Buffer.from(res.body as ArrayBuffer));
  expect(fs.statSync(file).size).toBe(rec.size);
  await expectDecodable(file, rec, minSeconds);
}

async function expectDecodable(file: string, rec: ReviewRecordingView, minSeconds: number): Promise<void> {
  const probed = await probeRecording(file);
  console.log(
    `recording ${rec.role}/${rec.source}: ${probed.durationSeconds.toFixed(1)} s, ${probed.videoFrames} video frames, ${probed.repeatedTimestamps} repeated timestamps, ${rec.size} bytes`,
  );
  expect(probed.codecs).toEqual(['opus', 'vp8']);
  expect(probed.durationSeconds).toBeGreaterThanOrEqual(minSeconds);
  expect(probed.videoFrames).toBeGreaterThan(30);
  expect(probed.decodeErrors).toBe('');
  // A few repeated timestamps under CI load (see ProbedRecording), at most one frame in twenty.
  expect(probed.repeatedTimestamps).toBeLessThanOrEqual(probed.videoFrames / 20);
}

/** Extracts a bag zip with Info-ZIP unzip; returns the bag's base directory. */
async function unzipped(zipFile: string): Promise<string> {
  const into = fs.mkdtempSync(path.join(tmp, 'bag-'));
  await run('unzip', ['-q', zipFile, '-d', into]);
  const [root] = fs.readdirSync(into);
  return path.join(into, root!);
}

/** manifest-sha256.txt as path → digest (our paths are ASCII: no percent-encoding to undo). */
function manifestSha256(bag: string): Map<string, string> {
  const lines = fs.readFileSync(path.join(bag, 'manifest-sha256.txt'), 'utf8').trimEnd().split('\n');
  return new Map(lines.map((l) => /^([0-9a-f]{64}) {2}(.+)$/.exec(l)!).map((m) => [m[2]!, m[1]!]));
}

describe('recording the co-review call', () => {
  it('with recording consent: everyone sees 录像中, each desk is recorded, the decision stores decodable VP8+Opus WebM files, downloads are audited and the bag carries them', async () => {
    const { sessionId, caseId, clerkPage, reviewerPage } = await callInProgress();
    expect(cb.server.ctx.recordings.processes()).toHaveLength(0);

    // The reviewer records the applicant's consent from the call's side panel, as in the hall.
    await reviewerPage.getByRole('button', { name: '申请人同意录像和截图' }).click();
    await expect.poll(() => reviewerPage.getByTestId('consent-recorded').textContent(), { timeout: 10_000 }).toContain('允许录像');
    for (const page of [clerkPage, reviewerPage]) {
      await expect.poll(() => page.getByTestId('recording-indicator').textContent(), { timeout: 10_000 }).toContain('录像中');
    }
    // One FFmpeg per desk (camera + microphone in one file), and no other FFmpeg of ours.
    await expect.poll(() => cb.server.ctx.recordings.processes().length, { timeout: 15_000 }).toBe(2);
    expect(ffmpegChildren().sort()).toEqual(cb.server.ctx.recordings.processes().sort());
    // A row appears once its FFmpeg listens and the tap resumes, a moment after the process starts.
    await expect.poll(async () => (await recordingsOf(sessionId, 'recording')).length, { timeout: 10_000 }).toBe(2);

    await sleep(5000);
    await passIdentityChecks(reviewer, sessionId);
    const decided = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'accept', note: '测试：录像后受理' });
    expect(decided.status).toBe(200);
    expect(decided.body.recording).toBe(false);
    await expect.poll(async () => (await recordingsOf(sessionId, 'stored')).length, { timeout: 20_000 }).toBe(2);
    expect(ffmpegChildren()).toEqual([]);
    await expect.poll(() => clerkPage.getByTestId('recording-indicator').count(), { timeout: 10_000 }).toBe(0);

    const recordings = await recordingsOf(sessionId);
    expect(recordings.map((r) => r.role).sort()).toEqual(['clerk', 'reviewer']);
    for (const rec of recordings) await expectPlayable(sessionId, rec, 3);

    const events = cb.server.ctx.ledger.forCase(caseId);
    expect(events.filter((e) => e.action === 'review.recording_started')).toHaveLength(2);
    const stored = events.filter((e) => e.action === 'review.recording_stored');
    expect(stored.map((e) => (e.details as { sha256: string }).sha256).sort()).toEqual(recordings.map((r) => r.sha256).sort());

    // The case's offices can fetch it; another office cannot.
    const other = await ApiClient.login(cb.url, 'reviewer2');
    expect((await other.get(`/api/review/sessions/${sessionId}/recordings/${recordings[0]!.id}`)).status).toBe(403);

    // Each download above is in the case's audit trail: who, which recording and camera, nothing personal.
    const trail = (await clerk.get(`/api/cases/${caseId}/audit`)).body.events as AuditEvent[];
    const downloads = trail.filter((e) => e.action === 'review.recording_downloaded');
    expect(downloads.map((e) => e.details)).toEqual(
      recordings.map((r) => ({ sessionId, recordingId: r.id, role: r.role, source: r.source, sha256: r.sha256 })),
    );
    expect(downloads.every((e) => e.actor_role === 'reviewer' && e.office_id === 'hn-cs-office')).toBe(true);

    // 受理 → handed off by courier: the bag the clerk downloads carries both recordings, byte for byte.
    const handed = await clerk.post(`/api/cases/${caseId}/handoff/courier`, { courierCompany: '中国邮政EMS', waybillNo: 'EMS20250301' });
    expect(handed.status).toBe(200);
    const zip = await clerk.get(`/api/cases/${caseId}/handoff/bag.zip`);
    expect(zip.status).toBe(200);
    const zipFile = path.join(tmp, 'bag.zip');
    fs.writeFileSync(zipFile, Buffer.from(zip.body as ArrayBuffer));
    console.log((await run('unzip', ['-l', zipFile])).stdout);
    const bag = await unzipped(zipFile);
    const review = JSON.parse(fs.readFileSync(path.join(bag, 'data/review/review.json'), 'utf8')) as Omit<ReviewExport, 'recordings'> & {
      recordings: Array<ReviewRecordingView & { file: string }>;
    };
    expect(review.sessionId).toBe(sessionId);
    expect(review).not.toHaveProperty('recordingsFailed');
    expect(review.recordings.map((r) => r.id)).toEqual(recordings.map((r) => r.id));
    const manifest = manifestSha256(bag);
    for (const [i, listed] of review.recordings.entries()) {
      const rec = recordings[i]!;
      expect(listed).toMatchObject({ sha256: rec.sha256, size: rec.size, role: rec.role, source: rec.source, mediaType: 'video/webm' });
      expect(listed.file).toBe(`recordings/${String(i + 1).padStart(2, '0')}-${rec.role}-${rec.source}-${rec.id.slice(0, 8)}.webm`);
      const rel = `data/review/${listed.file}`;
      const [summed] = (await run('sha256sum', [rel], { cwd: bag })).stdout.split(' ');
      expect(summed).toBe(rec.sha256);
      expect(manifest.get(rel)).toBe(summed);
      await expectDecodable(path.join(bag, rel), rec, 3);
    }
    // The bag's copy of the audit trail has the downloads too.
    const bagEvents = fs
      .readFileSync(path.join(bag, 'data/audit/events.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    expect(bagEvents.filter((e) => e.action === 'review.recording_downloaded')).toHaveLength(recordings.length);
  });

  it('a killed SFU worker or FFmpeg mid-recording: files so far are kept, recording resumes, no FFmpeg is orphaned, the call goes on', async () => {
    const { sessionId, caseId, clerkPage } = await callInProgress();
    await reviewer.post(`/api/review/sessions/${sessionId}/consent`, { recordingAllowed: true, snapshotsAllowed: false });
    await expect.poll(() => cb.server.ctx.recordings.processes().length, { timeout: 15_000 }).toBe(2);
    await sleep(4000);
    const before = cb.server.ctx.recordings.processes();

    const room = (await cb.server.ctx.call.sfu.stats()).rooms.find((r) => r.roomId === `review:${sessionId}`);
    process.kill(room!.workerPid, 'SIGKILL');
    // Both desks rejoin by themselves; the new room is recorded by new FFmpeg processes, the old ones are gone.
    await expect.poll(async () => (await recordingsOf(sessionId, 'stored')).length, { timeout: 30_000 }).toBe(2);
    await expect
      .poll(() => cb.server.ctx.recordings.processes().filter((pid) => !before.includes(pid)).length, { timeout: 30_000 })
      .toBe(2);
    expect(ffmpegChildren().sort()).toEqual(cb.server.ctx.recordings.processes().sort());
    await sleep(4000);

    // An FFmpeg that dies is audited and replaced; the call goes on.
    const [victim] = cb.server.ctx.recordings.processes();
    process.kill(victim!, 'SIGKILL');
    await expect.poll(async () => (await recordingsOf(sessionId, 'failed')).length, { timeout: 10_000 }).toBe(1);
    expect(cb.server.ctx.ledger.forCase(caseId).map((e) => e.action)).toContain('review.recording_failed');
    await expect.poll(() => cb.server.ctx.recordings.processes().length, { timeout: 15_000 }).toBe(2);
    expect(cb.server.ctx.recordings.processes()).not.toContain(victim);
    expect((await diagnostics(clerkPage)).state).toBe('connected');
    await sleep(4000);

    await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'reject', reason: '测试：工作进程重启后不予受理' });
    await expect.poll(async () => (await recordingsOf(sessionId, 'stored')).length, { timeout: 20_000 }).toBe(4);
    expect(ffmpegChildren()).toEqual([]);
    for (const rec of await recordingsOf(sessionId, 'stored')) await expectPlayable(sessionId, rec, 2);

    // The case's bag (as `tongban handoff build` writes it) carries the 4 stored files and says one is missing.
    const zipFile = path.join(tmp, 'bag-with-failed.zip');
    await cb.server.ctx.handoff.bags.writeBag(caseId, 'courier', fs.createWriteStream(zipFile));
    const entries = await readZip(zipFile);
    const reviewJson = [...entries].find(([name]) => name.endsWith('/data/review/review.json'))![1];
    const review = JSON.parse(reviewJson.toString('utf8')) as { recordings: Array<{ id: string }>; recordingsFailed?: number };
    expect(review.recordings.map((r) => r.id).sort()).toEqual((await recordingsOf(sessionId, 'stored')).map((r) => r.id).sort());
    expect(review.recordingsFailed).toBe(1);
    expect([...entries.keys()].filter((name) => name.includes('/data/review/recordings/'))).toHaveLength(4);
  });

  it('consent without recording: no FFmpeg, no recording, no indicator', async () => {
    const { sessionId, clerkPage } = await callInProgress();
    const consent = await reviewer.post(`/api/review/sessions/${sessionId}/consent`, { recordingAllowed: false, snapshotsAllowed: true });
    expect(consent.body.recording).toBe(false);
    await sleep(3000);
    expect(cb.server.ctx.recordings.processes()).toEqual([]);
    expect(ffmpegChildren()).toEqual([]);
    expect(await recordingsOf(sessionId)).toEqual([]);
    expect(await clerkPage.getByTestId('recording-indicator').count()).toBe(0);
    await reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'reject', reason: '测试：未录像' });
    expect(await recordingsOf(sessionId)).toEqual([]);
  });
});
