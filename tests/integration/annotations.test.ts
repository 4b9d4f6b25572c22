import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetailResponse } from '@tongban/shared';
import type { AnnotationGeometry, AnnotationView } from '@tongban/shared/annotations/annotations';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT } from '../support/caseFixtures';
import {
  connectRtc,
  createPrecheckedCase,
  nextEvent,
  openActiveSession,
  rtcRequest,
  sfuTestConfig,
  type RtcClient,
} from '../support/reviewFixtures';

/** Tools run asynchronously: the server under test lives in this process and must keep answering. */
const run = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

/**
 * Issue 13, item 1: 批注 on the shared materials. The reviewer and the clerk draw on a page in the
 * call (/rtc `annot:add`); the other desk gets it live, it is stored with the page, the author and
 * the time (one audit event), a rejoining desk gets it again, the case page lists it, the bag
 * carries it, and a 补正 item made from it prints on the notice with a crop of the marked page.
 */
let srv: TestServer;
let tmp: string;
let clerk: ApiClient;
let reviewer: ApiClient;
let caseId: string;
let sessionId: string;
let material: { id: string; slotCode: string };
let clerkSocket: RtcClient;
let reviewerSocket: RtcClient;
const sockets: RtcClient[] = [];
const connect = async (auth: { cookie?: string; token?: string }) => {
  const s = await connectRtc(srv.url, auth);
  sockets.push(s);
  return s;
};
const join = async (s: RtcClient, clientId: string) => {
  const r = await rtcRequest(s, 'rtc:join', { sessionId, clientId, produce: false });
  if (!r.ok) throw new Error(`join: ${JSON.stringify(r.error)}`);
  return r.data;
};
const box = { x0: 0.1, y0: 0.2, x1: 0.5, y1: 0.4 };

beforeAll(async () => {
  srv = await startTestServer({ ...sfuTestConfig(48800) }, { ocr: 'printed-text' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'annot-'));
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
  ({ id: caseId } = await createPrecheckedCase(clerk));
  const detail = (await clerk.get(`/api/cases/${caseId}`)).body as CaseDetailResponse;
  material = detail.materials[0]!;
  sessionId = await openActiveSession(clerk, reviewer, caseId);
  clerkSocket = await connect({ cookie: clerk.cookieHeader });
  reviewerSocket = await connect({ cookie: reviewer.cookieHeader });
  await join(clerkSocket, 'clerk-tab');
  await join(reviewerSocket, 'reviewer-tab');
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const events = (action: string) => srv.ctx.ledger.forCase(caseId).filter((e) => e.action === action);
let reviewerBox: AnnotationView;

describe('marks on the shared materials in the call', () => {
  it('the reviewer draws a box with a note: stored with page, author and time, the clerk gets it live, one audit event (ID numbers masked)', async () => {
    const seen = nextEvent(clerkSocket, 'annot:added');
    const r = await rtcRequest(reviewerSocket, 'annot:add', {
      materialId: material.id,
      page: 1,
      geometry: { kind: 'box', box },
      note: `号码 ${APPLICANT.idNumber} 处模糊`,
    });
    expect(r.ok).toBe(true);
    reviewerBox = (r as { data: AnnotationView }).data;
    expect(reviewerBox).toMatchObject({
      caseId,
      sessionId,
      materialId: material.id,
      page: 1,
      kind: 'box',
      geometry: { kind: 'box', box },
      authorName: '王审核',
      authorRole: 'reviewer',
    });
    expect(reviewerBox.note).not.toContain(APPLICANT.idNumber);
    expect(reviewerBox.note).toContain('处模糊');
    expect(await seen).toEqual(reviewerBox);
    const [added, ...more] = events('annotation.added');
    expect(more).toEqual([]);
    expect(added).toMatchObject({
      actor_role: 'reviewer',
      details: { annotationId: reviewerBox.id, sessionId, materialId: material.id, slotCode: material.slotCode, page: 1, kind: 'box' },
    });
    expect(JSON.stringify(added!.details)).not.toContain(APPLICANT.idNumber);
  });

  it('the clerk draws an arrow, a freehand line and a note; the reviewer gets each', async () => {
    for (const [geometry, note] of [
      [{ kind: 'arrow', from: { x: 0.9, y: 0.9 }, to: { x: 0.6, y: 0.5 } }, undefined],
      [
        {
          kind: 'freehand',
          points: [
            { x: 0.2, y: 0.6 },
            { x: 0.25, y: 0.65 },
            { x: 0.3, y: 0.6 },
          ],
        },
        undefined,
      ],
      [{ kind: 'note', at: { x: 0.7, y: 0.1 } }, '签名处'],
    ] satisfies Array<[AnnotationGeometry, string | undefined]>) {
      const seen = nextEvent(reviewerSocket, 'annot:added');
      const r = await rtcRequest(clerkSocket, 'annot:add', { materialId: material.id, page: 1, geometry, ...(note ? { note } : {}) });
      expect(r, geometry.kind).toMatchObject({ ok: true, data: { kind: geometry.kind, authorRole: 'clerk', geometry } });
      expect((await seen).kind).toBe(geometry.kind);
    }
    expect(events('annotation.added')).toHaveLength(4);
  });

  it('refuses what cannot be drawn, saving nothing: bad geometry, a note without text, a page the scan has not, another case’s material', async () => {
    const before = srv.ctx.annotations.forSession(sessionId).length;
    const bad = [
      [{ materialId: material.id, page: 1, geometry: { kind: 'box', box: { x0: 0.5, y0: 0.2, x1: 0.1, y1: 0.4 } } }, 'VALIDATION_FAILED'],
      [{ materialId: material.id, page: 1, geometry: { kind: 'box', box: { x0: 0.1, y0: 0.2, x1: 1.5, y1: 0.4 } } }, 'VALIDATION_FAILED'],
      [{ materialId: material.id, page: 1, geometry: { kind: 'note', at: { x: 0.5, y: 0.5 } } }, 'VALIDATION_FAILED'],
      [{ materialId: material.id, page: 1, geometry: { kind: 'freehand', points: [{ x: 0.5, y: 0.5 }] } }, 'VALIDATION_FAILED'],
      [{ materialId: material.id, page: 99, geometry: { kind: 'box', box } }, 'ANNOTATION_PAGE_UNKNOWN'],
      [{ materialId: 'no-such-material', page: 1, geometry: { kind: 'box', box } }, 'MATERIAL_NOT_FOUND'],
    ] as const;
    for (const [req, code] of bad) {
      expect(await rtcRequest(reviewerSocket, 'annot:add', req as never), JSON.stringify(req)).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    expect(srv.ctx.annotations.forSession(sessionId)).toHaveLength(before);
    expect(events('annotation.added')).toHaveLength(4);
  });

  it('the applicant in the call may not draw (call.annotate); a socket not in the call neither', async () => {
    const link = await clerk.post(`/api/review/sessions/${sessionId}/applicant-link`);
    const pass = await new ApiClient(srv.url).post('/api/review/applicant/redeem', { token: link.body.token });
    const applicant = await connect({ token: pass.body.key });
    await join(applicant, 'phone');
    expect(await rtcRequest(applicant, 'annot:add', { materialId: material.id, page: 1, geometry: { kind: 'box', box } })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    expect(await rtcRequest(applicant, 'annot:remove', { annotationId: reviewerBox.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_ROLE' },
    });
    applicant.close();
    const outsider = await connect({ cookie: reviewer.cookieHeader });
    expect(await rtcRequest(outsider, 'annot:add', { materialId: material.id, page: 1, geometry: { kind: 'box', box } })).toMatchObject({
      ok: false,
      error: { code: 'RTC_NOT_JOINED' },
    });
    outsider.close();
  });

  it('a desk that rejoins the call gets every mark again', async () => {
    const again = await connect({ cookie: clerk.cookieHeader });
    const joined = await join(again, 'clerk-tab'); // same tab: replaces the old socket
    expect(joined.annotations.map((a) => a.kind)).toEqual(['box', 'arrow', 'freehand', 'note']);
    expect(joined.annotations[0]).toEqual(reviewerBox);
    // Its own marks, which it may take back: the clerk drew the arrow, the line and the note, not the box.
    expect(joined.ownAnnotationIds).toEqual(joined.annotations.slice(1).map((a) => a.id));
    clerkSocket = again;
  });

  it('only its author takes a mark back: the other desk is told, the row stays as the record, one audit event', async () => {
    expect(await rtcRequest(clerkSocket, 'annot:remove', { annotationId: reviewerBox.id })).toMatchObject({
      ok: false,
      error: { code: 'ANNOTATION_NOT_AUTHOR' },
    });
    const note = srv.ctx.annotations.forSession(sessionId).find((a) => a.kind === 'note')!;
    const told = nextEvent(reviewerSocket, 'annot:removed');
    expect(await rtcRequest(clerkSocket, 'annot:remove', { annotationId: note.id })).toEqual({ ok: true, data: {} });
    expect(await told).toEqual({ annotationId: note.id });
    expect(await rtcRequest(clerkSocket, 'annot:remove', { annotationId: note.id })).toMatchObject({
      ok: false,
      error: { code: 'ANNOTATION_NOT_FOUND' },
    });
    expect(srv.ctx.annotations.forSession(sessionId).map((a) => a.kind)).toEqual(['box', 'arrow', 'freehand']);
    expect(srv.ctx.db.prepare('SELECT removed_by_name FROM annotations WHERE id = ?').pluck().get(note.id)).toBe('李窗口');
    expect(events('annotation.removed').map((e) => e.details)).toMatchObject([{ annotationId: note.id, page: 1, kind: 'note' }]);
  });

  it('the case page lists the marks for anyone who may see the case, and no one else', async () => {
    const r = await clerk.get(`/api/cases/${caseId}/annotations`);
    expect(r.status).toBe(200);
    expect((r.body.annotations as AnnotationView[]).map((a) => [a.kind, a.authorName])).toEqual([
      ['box', '王审核'],
      ['arrow', '李窗口'],
      ['freehand', '李窗口'],
    ]);
    const other = await ApiClient.login(srv.url, 'clerk2');
    expect((await other.get(`/api/cases/${caseId}/annotations`)).body).toMatchObject({ error: { code: 'FORBIDDEN_OFFICE' } });
  });

  it('a 补正 item made from the mark prints on the notice with a crop of the marked page; a mark not of the case is refused', async () => {
    const refused = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, {
      outcome: 'request_correction',
      items: [{ slotCode: material.slotCode, reason: '模糊', annotationId: 'no-such-mark' }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('CORRECTION_ANNOTATION_UNKNOWN');
    expect(srv.ctx.cases.get(caseId).state).toBe('in_review');

    const decided = await reviewer.post(`/api/review/sessions/${sessionId}/decision`, {
      outcome: 'request_correction',
      items: [
        { slotCode: material.slotCode, reason: '号码处模糊，请重新扫描', annotationId: reviewerBox.id },
        { slotCode: 'PHOTO', reason: '请提供近期免冠照片' },
      ],
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const notices = (await clerk.get(`/api/cases/${caseId}/correction-notice`)).body.notices;
    expect(notices[0].items[0]).toMatchObject({ slotCode: material.slotCode, annotationId: reviewerBox.id });
    expect(notices[0].items[1].annotationId).toBeUndefined();

    const pdf = await clerk.get(`/api/cases/${caseId}/correction-notice.pdf`);
    expect(pdf.status).toBe(200);
    const file = path.join(tmp, 'notice.pdf');
    fs.writeFileSync(file, Buffer.from(pdf.body as ArrayBuffer));
    const text = await run('pdftotext', ['-layout', file, '-']);
    expect(text).toContain('号码处模糊，请重新扫描');
    expect(text).toContain('请提供近期免冠照片');
    expect(text).toContain('审查时标注的位置');
    // One image: the crop (the item without a mark has none; the QR code is the other image when the case has a status page).
    const images = (await run('pdfimages', ['-list', file]))
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    const jpegs = images.filter((l) => /\bjpeg\b/.test(l));
    expect(jpegs).toHaveLength(1);
  });

  it('the session is decided: no more marks; the bag carries them as data/annotations/annotations.json', async () => {
    expect(
      await rtcRequest(reviewerSocket, 'annot:add', { materialId: material.id, page: 1, geometry: { kind: 'box', box } }),
    ).toMatchObject({
      ok: false,
    });
    const files = await srv.ctx.handoff.evidence.collect(caseId);
    const json = files.find((f) => f.path === 'annotations/annotations.json');
    if (!json || !('content' in json)) throw new Error(`no annotations.json among ${files.map((f) => f.path).join(', ')}`);
    const marks = JSON.parse(json.content.toString('utf8')) as AnnotationView[];
    expect(marks.map((m) => m.id)).toContain(reviewerBox.id);
    expect(marks).toHaveLength(3);
  });
});
