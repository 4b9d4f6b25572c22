import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, Role } from '@tongban/shared';
import { ACCESS, can, refusal, type Action, type CaseRef, type OfficeUser } from '@tongban/shared/cases/access';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import { DEMO_USERS } from '@tongban/server/seed/demoOffices';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/testServer';
import { APPLICANT, createCase, ITEM_HN, jpegBytes, precheckCase, upload, transition } from '../support/caseFixtures';
import { createPrecheckedCase, openActiveSession, requestReview } from '../support/reviewFixtures';

/**
 * Role × endpoint matrix over one case received at gd-sg-window (clerk, supervisor, admin) and
 * handled at hn-cs-office (reviewer). clerk2 (gd-sz-window) and reviewer2 (sc-cd-office) are
 * strangers to it.
 */
const USERS = ['anon', 'clerk', 'clerk2', 'reviewer', 'reviewer2', 'supervisor', 'admin'] as const;
type User = (typeof USERS)[number];
const OK = 'OK';
type Expect =
  typeof OK | 'AUTH_REQUIRED' | 'FORBIDDEN_ROLE' | 'FORBIDDEN_OFFICE' | 'CASE_ILLEGAL_TRANSITION' | 'CASE_FILES_PARTICIPANTS_ONLY';

let srv: TestServer;
const as = {} as Record<User, ApiClient>;
let caseId: string;
let materialId: string;

beforeAll(async () => {
  // One OCR worker: a case reaches review only through a real pre-check. One SFU worker for /api/sfu/stats.
  srv = await startTestServer({ OCR_WORKERS: 1, SFU_WORKERS: 1 });
  for (const u of USERS) as[u] = u === 'anon' ? new ApiClient(srv.url) : await ApiClient.login(srv.url, u);
  caseId = (await createCase(as.clerk)).id;
  materialId = (await upload(as.clerk, caseId, 'ID_CARD_FRONT', jpegBytes())).body.material.id;
});
afterAll(async () => {
  await srv.stop();
});

function expectOutcome(r: { status: number; body: any }, want: Expect, label: string) {
  if (want === OK) expect(r.status, `${label}: ${JSON.stringify(r.body?.error ?? '')}`).toBeLessThan(300);
  else {
    expect(r.body?.error?.code, label).toBe(want);
    expect(r.status, label).toBe(
      { AUTH_REQUIRED: 401, FORBIDDEN_ROLE: 403, FORBIDDEN_OFFICE: 403, CASE_ILLEGAL_TRANSITION: 409, CASE_FILES_PARTICIPANTS_ONLY: 403 }[
        want
      ],
    );
  }
}

const MATRIX: Array<{ name: string; call: (c: ApiClient) => Promise<{ status: number; body: any }>; want: Record<User, Expect> }> = [
  {
    name: 'GET /api/cases/:id',
    call: (c) => c.get(`/api/cases/${caseId}`),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: OK,
      reviewer2: 'FORBIDDEN_OFFICE',
      supervisor: OK,
      admin: OK,
    },
  },
  {
    name: 'GET /api/cases/:id/audit',
    call: (c) => c.get(`/api/cases/${caseId}/audit`),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: OK,
      reviewer2: 'FORBIDDEN_OFFICE',
      supervisor: OK,
      admin: OK,
    },
  },
  {
    // A scan carries the full identity: admins, who see it masked everywhere else, get no files.
    name: 'GET /api/cases/:id/materials/:mid/content',
    call: (c) => c.get(`/api/cases/${caseId}/materials/${materialId}/content`),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: OK,
      reviewer2: 'FORBIDDEN_OFFICE',
      supervisor: OK,
      admin: 'CASE_FILES_PARTICIPANTS_ONLY',
    },
  },
  {
    name: 'POST /api/cases/:id/materials/:slot',
    call: (c) => upload(c, caseId, 'ID_CARD_BACK', jpegBytes()),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: OK,
      admin: 'FORBIDDEN_ROLE',
    },
  },
  {
    // On a draft case: strangers learn nothing about its state (office checked first).
    name: 'POST /api/cases/:id/transitions reopen (draft)',
    call: (c) => transition(c, caseId, 'reopen'),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: 'CASE_ILLEGAL_TRANSITION',
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: 'CASE_ILLEGAL_TRANSITION',
      reviewer2: 'FORBIDDEN_OFFICE',
      supervisor: 'CASE_ILLEGAL_TRANSITION',
      admin: 'CASE_ILLEGAL_TRANSITION',
    },
  },
  {
    // The co-review request is the intake window's; a draft is not ready for it.
    name: 'POST /api/cases/:id/review (draft)',
    call: (c) => c.post(`/api/cases/${caseId}/review`),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: 'CASE_ILLEGAL_TRANSITION',
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: 'CASE_ILLEGAL_TRANSITION',
      admin: 'FORBIDDEN_ROLE',
    },
  },
  {
    name: 'POST /api/cases',
    call: (c) => c.post('/api/cases', { itemCode: 'TB-SBK-SL', applicant: APPLICANT }),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: OK,
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: OK,
      admin: 'FORBIDDEN_ROLE',
    },
  },
  {
    name: 'GET /api/ledger',
    call: (c) => c.get('/api/ledger'),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: 'FORBIDDEN_ROLE',
      clerk2: 'FORBIDDEN_ROLE',
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: OK,
      admin: OK,
    },
  },
  {
    name: 'GET /api/ledger.csv',
    call: (c) => c.get('/api/ledger.csv'),
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: 'FORBIDDEN_ROLE',
      clerk2: 'FORBIDDEN_ROLE',
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: OK,
      admin: OK,
    },
  },
  {
    name: 'GET /api/catalog/items',
    call: (c) => c.get('/api/catalog/items'),
    want: { anon: 'AUTH_REQUIRED', clerk: OK, clerk2: OK, reviewer: OK, reviewer2: OK, supervisor: OK, admin: OK },
  },
  {
    // Each try deletes a scan the clerk has just added.
    name: 'DELETE /api/cases/:id/materials/:mid',
    call: async (c) => {
      const mid = (await upload(as.clerk, caseId, 'PHOTO', jpegBytes())).body.material.id;
      return c.request('DELETE', `/api/cases/${caseId}/materials/${mid}`);
    },
    want: {
      anon: 'AUTH_REQUIRED',
      clerk: OK,
      clerk2: 'FORBIDDEN_OFFICE',
      reviewer: 'FORBIDDEN_ROLE',
      reviewer2: 'FORBIDDEN_ROLE',
      supervisor: OK,
      admin: 'FORBIDDEN_ROLE',
    },
  },
];

describe('role × endpoint access matrix', () => {
  it.each(MATRIX)('$name', async ({ name, call, want }) => {
    for (const u of USERS) expectOutcome(await call(as[u]), want[u], `${name} as ${u}`);
  });

  it('lists only the cases each office takes part in', async () => {
    const ids = async (u: User) => ((await as[u].get('/api/cases?scope=all')).body.cases as any[]).map((c) => c.id);
    expect(await ids('clerk')).toContain(caseId);
    expect(await ids('reviewer')).toContain(caseId);
    expect(await ids('supervisor')).toContain(caseId);
    expect(await ids('admin')).toContain(caseId);
    expect(await ids('clerk2')).not.toContain(caseId);
    expect(await ids('reviewer2')).not.toContain(caseId);
    expect((await as.anon.get('/api/cases')).status).toBe(401);
  });

  it('shows the full ID number to the case’s participants, masked to admins', async () => {
    expect((await as.reviewer.get(`/api/cases/${caseId}`)).body.case.applicant.idNumber).toBe(APPLICANT.idNumber);
    expect((await as.clerk.get(`/api/cases/${caseId}`)).body.case.applicant.idNumber).toBe(APPLICANT.idNumber);
    const admin = (await as.admin.get(`/api/cases/${caseId}`)).body.case.applicant;
    expect(admin.idNumber).toBeUndefined();
    expect(admin.idNumberMasked).toBe('1101**********002X');
  });

  it('keeps the co-review and its decision with the handling office, even for the intake supervisor', async () => {
    const { id } = await createCase(as.clerk);
    await precheckCase(as.clerk, id);
    const sessionId = await requestReview(as.clerk, id);
    const session = (action: string, body?: unknown) => (c: ApiClient) => c.post(`/api/review/sessions/${sessionId}/${action}`, body);
    const accept = session('accept');
    const decide = session('decision', { outcome: 'accept' });
    // Everyone but the handling office's reviewer (or its own supervisor) is refused both steps.
    const refused = [
      ['anon', 'AUTH_REQUIRED'],
      ['clerk', 'FORBIDDEN_ROLE'],
      ['clerk2', 'FORBIDDEN_ROLE'],
      ['reviewer2', 'FORBIDDEN_OFFICE'],
      ['supervisor', 'FORBIDDEN_OFFICE'],
      ['admin', 'FORBIDDEN_ROLE'],
    ] as const;
    for (const [u, want] of refused) expectOutcome(await accept(as[u]), want, `${u} takes the session`);
    expectOutcome(await accept(as.reviewer), OK, 'reviewer takes the session');
    for (const [u, want] of refused) expectOutcome(await decide(as[u]), want, `${u} decides 受理`);
    expect((await as.clerk.get(`/api/cases/${id}`)).body.case.state).toBe('in_review');
    const correction = session('decision', {
      outcome: 'request_correction',
      items: [{ slotCode: 'ID_CARD_BACK', reason: '身份证反面模糊，请重新扫描' }],
    });
    expectOutcome(await correction(as.reviewer), OK, 'reviewer decides 补正');
    expect((await as.clerk.get(`/api/cases/${id}`)).body.case.state).toBe('needs_correction');
  });

  it('audits a reviewer’s view of a scan but not the clerk’s', async () => {
    const { id } = await createCase(as.clerk);
    const mid = (await upload(as.clerk, id, 'ID_CARD_FRONT', jpegBytes())).body.material.id;
    const views = () => srv.ctx.ledger.forCase(id).filter((e) => e.action === 'material.viewed');
    await as.clerk.get(`/api/cases/${id}/materials/${mid}/content`);
    expect(views()).toHaveLength(0);
    await as.reviewer.get(`/api/cases/${id}/materials/${mid}/content`);
    expect(views()).toHaveLength(1);
    expect(views()[0]).toMatchObject({ actor_name: 'reviewer', office_id: 'hn-cs-office', details: { materialId: mid } });
  });
});

/**
 * The whole ACCESS table against the real server: for every action, every role at the case's
 * intake office, at its handling office and at an unrelated office, the outcome `refusal()`
 * predicts: 403 FORBIDDEN_ROLE, 403 FORBIDDEN_OFFICE (CASE_FILES_PARTICIPANTS_ONLY for an admin
 * asking for files), the feature's code for a wrong state, or, when allowed, anything but 401/403.
 * Each probe is harmless when allowed: it names a material or slot that does not exist, or meets a
 * session or case in a state where the feature refuses it after the access check.
 *
 * Not probed here: call.join, call.shareDocument, call.steerViewer and call.annotate are /rtc socket
 * requests (tests/integration/signalling.test.ts, annotations.test.ts), and case.create's "at an intake office" rule is the
 * catalogue's (an office's kind), not the table's.
 */
describe('the access table, probed over HTTP', () => {
  // A supervisor at an unrelated office, besides the seeded users (supervisor2 is the handling office's).
  const EXTRA: Array<OfficeUser & { username: string }> = [{ username: 'supervisor-sc', role: 'supervisor', officeId: 'sc-cd-office' }];
  const people = [...DEMO_USERS, ...EXTRA].map((u) => ({ username: u.username, user: { role: u.role as Role, officeId: u.officeId } }));
  const client: Record<string, ApiClient> = {};
  /** A draft case (intake gd-sg-window, handling hn-cs-office) with one scan, and a decided co-review of another. */
  let draft: CaseView;
  let draftMaterial: string;
  let decided: CaseView;
  let sessionId: string;

  beforeAll(async () => {
    for (const u of EXTRA) {
      await srv.ctx.auth.createUser({ ...u, displayName: u.username, password: TEST_PASSWORD }, SYSTEM_ACTOR);
    }
    client['anon'] = new ApiClient(srv.url);
    for (const p of people) client[p.username] = await ApiClient.login(srv.url, p.username);
    const c = as.clerk;
    draft = (await createCase(c)).body.case;
    draftMaterial = (await upload(c, draft.id, 'ID_CARD_FRONT', jpegBytes())).body.material.id;
    // A closed follow-up of the draft case, so closing it again passes the access check and changes nothing.
    srv.ctx.db
      .prepare("INSERT INTO ratings (id, case_id, level, channel, rated_at) VALUES ('probe-rating', ?, 1, 'window', ?)")
      .run(draft.id, draft.createdAt);
    srv.ctx.db
      .prepare(
        "INSERT INTO rating_follow_ups (id, rating_id, case_id, office_id, status, created_at) VALUES ('probe-follow-up', 'probe-rating', ?, ?, 'closed', ?)",
      )
      .run(draft.id, draft.intakeOfficeId, draft.createdAt);
    const { id } = await createPrecheckedCase(c);
    sessionId = await openActiveSession(c, as.reviewer, id);
    expect((await as.reviewer.post(`/api/review/sessions/${sessionId}/decision`, { outcome: 'reject', reason: '探测用' })).status).toBe(
      200,
    );
    decided = (await c.get(`/api/cases/${id}`)).body.case;
  }, 300_000);

  type Res = { status: number; body: any };
  interface Probe {
    action: Action;
    name: string;
    /** The case the probe acts on (none: the action is not about one case). */
    on?: () => CaseView;
    call: (c: ApiClient) => Promise<Res>;
    /** The feature's code for a case in a state the action does not apply to. */
    wrongState?: string;
  }
  const onDraft = () => draft;
  const PROBE_SIGNATURE = {
    declarationSha256: '0'.repeat(64),
    imagePng: 'iVBORw0KGgo=',
    pad: { width: 600, height: 300 },
    strokes: [
      [
        [10, 10, 0.5],
        [500, 200, 0.5],
      ],
    ],
    pressure: false,
  };
  const onDecided = () => decided;
  const session = (step: string, body?: unknown) => (c: ApiClient) => c.post(`/api/review/sessions/${sessionId}/${step}`, body);
  const scan = () => {
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(jpegBytes())]), 'probe.jpg');
    return fd;
  };

  const PROBES: Probe[] = [
    { action: 'case.create', name: 'POST /api/cases (empty body)', call: (c) => c.post('/api/cases', {}) },
    { action: 'case.view', name: 'GET /api/cases/:id', on: onDraft, call: (c) => c.get(`/api/cases/${draft.id}`) },
    { action: 'case.view', name: 'GET /api/cases/:id/audit', on: onDraft, call: (c) => c.get(`/api/cases/${draft.id}/audit`) },
    { action: 'case.view', name: 'GET /api/review/sessions/:id', on: onDecided, call: (c) => c.get(`/api/review/sessions/${sessionId}`) },
    {
      action: 'case.fullIdentity',
      name: 'GET /api/cases/:id/materials/:mid/content',
      on: onDraft,
      call: (c) => c.get(`/api/cases/${draft.id}/materials/${draftMaterial}/content`),
    },
    {
      action: 'case.receipt',
      name: 'GET /api/cases/:id/receipt.pdf (draft)',
      on: onDraft,
      call: (c) => c.get(`/api/cases/${draft.id}/receipt.pdf`),
      wrongState: 'RECEIPT_NOT_READY',
    },
    {
      action: 'correction.notice',
      name: 'GET /api/cases/:id/correction-notice.pdf (draft: none issued)',
      on: onDraft,
      call: (c) => c.get(`/api/cases/${draft.id}/correction-notice.pdf`),
    },
    {
      action: 'correction.reissue',
      name: 'POST /api/cases/:id/correction-notice (draft)',
      on: onDraft,
      call: (c) =>
        c.post(`/api/cases/${draft.id}/correction-notice`, { items: [{ slotCode: 'ID_CARD_FRONT', reason: '不清晰' }], reason: '漏列' }),
      wrongState: 'CORRECTION_NOTICE_NONE',
    },
    {
      action: 'materials.upload',
      name: 'POST /api/cases/:id/materials/NO_SUCH_SLOT',
      on: onDraft,
      call: (c) => c.request('POST', `/api/cases/${draft.id}/materials/NO_SUCH_SLOT`, scan()),
      wrongState: 'CASE_MATERIALS_LOCKED',
    },
    {
      action: 'materials.delete',
      name: 'DELETE /api/cases/:id/materials/no-such-material',
      on: onDraft,
      call: (c) => c.request('DELETE', `/api/cases/${draft.id}/materials/no-such-material`),
      wrongState: 'CASE_MATERIALS_LOCKED',
    },
    {
      action: 'materials.checkOriginal',
      name: 'POST /api/cases/:id/materials/no-such-material/original-check',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/materials/no-such-material/original-check`, { method: 'window_paper' }),
      wrongState: 'ORIGINAL_CHECK_CLOSED',
    },
    {
      action: 'materials.checkOriginal',
      name: 'POST …/original-check/withdrawal (rejected case)',
      on: onDecided,
      call: (c) => c.post(`/api/cases/${decided.id}/materials/no-such-material/original-check/withdrawal`, { reason: '探测' }),
      wrongState: 'ORIGINAL_CHECK_CLOSED',
    },
    {
      action: 'case.fullIdentity',
      name: 'GET /api/cases/:id/materials/:mid/certified.pdf (no mark)',
      on: onDraft,
      call: (c) => c.get(`/api/cases/${draft.id}/materials/${draftMaterial}/certified.pdf`),
    },
    {
      // A well-formed signature over a declaration that is not this case's: past the access check, refused by the service.
      action: 'signature.signAtWindow',
      name: 'POST /api/cases/:id/signature (another declaration)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/signature`, PROBE_SIGNATURE),
    },
    {
      action: 'signature.signAtWindow',
      name: 'POST /api/cases/:id/signature (rejected case)',
      on: onDecided,
      call: (c) => c.post(`/api/cases/${decided.id}/signature`, PROBE_SIGNATURE),
      wrongState: 'SIGNATURE_CLOSED',
    },
    {
      action: 'case.fullIdentity',
      name: 'GET /api/cases/:id/signature.png (none yet)',
      on: onDraft,
      call: (c) => c.get(`/api/cases/${draft.id}/signature.png`),
    },
    {
      action: 'precheck.edit',
      name: 'POST /api/cases/:id/precheck (no such material)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/precheck`, { materialId: 'no-such-material' }),
      wrongState: 'CASE_ILLEGAL_TRANSITION',
    },
    {
      action: 'review.request',
      name: 'POST /api/cases/:id/review (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/review`),
    },
    { action: 'review.cancel', name: 'POST …/cancel (decided)', on: onDecided, call: session('cancel') },
    { action: 'review.applicantLink', name: 'POST …/applicant-link (decided)', on: onDecided, call: session('applicant-link') },
    { action: 'review.queue', name: 'GET /api/review/queue', call: (c) => c.get('/api/review/queue') },
    { action: 'review.accept', name: 'POST …/accept (decided)', on: onDecided, call: session('accept') },
    {
      action: 'review.verify',
      name: 'POST …/consent (decided)',
      on: onDecided,
      call: session('consent', { recordingAllowed: false, snapshotsAllowed: false }),
    },
    { action: 'review.verify', name: 'POST …/liveness (decided)', on: onDecided, call: session('liveness') },
    {
      action: 'review.decide',
      name: 'POST …/decision (decided)',
      on: onDecided,
      call: session('decision', { outcome: 'reject', reason: '再次' }),
    },
    { action: 'sfu.stats', name: 'GET /api/sfu/stats', call: (c) => c.get('/api/sfu/stats') },
    {
      action: 'handoff.send',
      name: 'POST /api/cases/:id/handoff/transfer (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/handoff/transfer`),
      wrongState: 'HANDOFF_CASE_NOT_READY',
    },
    {
      action: 'handoff.mailOriginals',
      name: 'POST /api/cases/:id/handoff/envelope (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/handoff/envelope`, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' }),
      wrongState: 'ORIGINALS_WRONG_STATE',
    },
    {
      action: 'handoff.receive',
      name: 'GET /api/handoff/receiving?code=<case number> (draft)',
      on: onDraft,
      call: (c) => c.get(`/api/handoff/receiving?code=${encodeURIComponent(draft.caseNo)}`),
      wrongState: 'RECEIVING_NOT_HANDED_OFF',
    },
    {
      action: 'handoff.receive',
      name: 'POST /api/cases/:id/handoff/envelope/received (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/handoff/envelope/received`, { courierCompany: '顺丰速运', waybillNo: 'SF1234567890' }),
      wrongState: 'RECEIVING_NOT_HANDED_OFF',
    },
    {
      action: 'handoff.startHandling',
      name: 'POST /api/cases/:id/handoff/start (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/handoff/start`),
      wrongState: 'RECEIVING_NOT_HANDED_OFF',
    },
    {
      action: 'result.record',
      name: 'POST /api/cases/:id/handoff/result/document (draft)',
      on: onDraft,
      call: (c) => c.request('POST', `/api/cases/${draft.id}/handoff/result/document`, scan()),
      wrongState: 'CASE_ILLEGAL_TRANSITION',
    },
    {
      action: 'result.resend',
      name: 'POST /api/cases/:id/handoff/result/resend (nothing to send)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/handoff/result/resend`),
    },
    {
      action: 'rating.rate',
      name: 'POST /api/cases/:id/rating (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/rating`, { level: 5 }),
      wrongState: 'CASE_ILLEGAL_TRANSITION',
    },
    {
      action: 'rating.rate',
      name: 'POST /api/cases/:id/rating-link (draft)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/rating-link`),
      wrongState: 'CASE_ILLEGAL_TRANSITION',
    },
    { action: 'rating.ledger', name: 'GET /api/ledger/ratings', call: (c) => c.get('/api/ledger/ratings') },
    {
      action: 'rating.followUp',
      name: 'POST /api/follow-ups/:id/close (already closed)',
      on: onDraft,
      call: (c) => c.post('/api/follow-ups/probe-follow-up/close', { note: '探测' }),
    },
    { action: 'ledger.view', name: 'GET /api/ledger', call: (c) => c.get('/api/ledger') },
    { action: 'ledger.view', name: 'GET /api/ledger.csv', call: (c) => c.get('/api/ledger.csv') },
    { action: 'calendar.view', name: 'GET /api/calendar/2026', call: (c) => c.get('/api/calendar/2026') },
    { action: 'reviewQa.view', name: 'GET /api/review-qa', call: (c) => c.get('/api/review-qa') },
    { action: 'dashboard.view', name: 'GET /api/dashboard', call: (c) => c.get('/api/dashboard?days=7') },
    {
      action: 'reviewQa.opinion',
      name: 'POST /api/review-qa/:id/opinion (no sample)',
      call: (c) => c.post('/api/review-qa/no-such-session/opinion', { agree: true, note: '探测' }),
    },
    ...(['append', 'appeal', 'appeal/decision'] as const).map((what) => ({
      action: (what === 'append' ? 'rating.append' : what === 'appeal' ? 'rating.appeal' : 'rating.appealDecide') as Action,
      name: `POST /api/cases/:id/rating/${what} (draft)`,
      on: onDraft,
      call: (c: ApiClient) =>
        c.post(
          `/api/cases/${draft.id}/rating/${what}`,
          what === 'append' ? { comment: '探测' } : what === 'appeal' ? { reason: '探测' } : { approve: false, reason: '探测' },
        ),
      wrongState: 'CASE_ILLEGAL_TRANSITION',
    })),
    {
      action: 'rating.followUp',
      name: 'POST /api/follow-ups/:id/callback (already closed)',
      on: onDraft,
      call: (c) => c.post('/api/follow-ups/probe-follow-up/callback', { note: '探测' }),
    },
    {
      action: 'retention.hold',
      name: 'POST /api/cases/:id/retention/release (draft, no hold)',
      on: onDraft,
      call: (c) => c.post(`/api/cases/${draft.id}/retention/release`, { reason: '探测' }),
    },
    { action: 'calendar.edit', name: 'PUT /api/calendar/2099', call: (c) => c.put('/api/calendar/2099', { days: [] }) },
    {
      action: 'catalog.editSteps',
      name: 'PUT /api/catalog/items/:code/steps (no change)',
      call: (c) => c.put(`/api/catalog/items/${ITEM_HN}/steps`, { steps: [] }),
    },
  ];
  const SOCKET_ONLY: Action[] = [
    'call.join',
    'call.shareDocument',
    'call.steerViewer',
    'call.annotate',
    'review.applicantConsent',
    'signature.applicantSign',
  ];

  it('probes every action of the table', () => {
    const probed = new Set([...PROBES.map((p) => p.action), ...SOCKET_ONLY]);
    expect((Object.keys(ACCESS) as Action[]).filter((a) => !probed.has(a))).toEqual([]);
  });

  /** What the server must answer `user` for `probe`, from the table alone. */
  function expected(user: OfficeUser, probe: Probe, c: CaseRef | undefined): { status?: number; code: string } | 'allowed' {
    switch (refusal(user, probe.action, c)) {
      case 'role':
        return { status: 403, code: 'FORBIDDEN_ROLE' };
      case 'office':
        // An admin sees every case, but none of the files carrying its full identity.
        return probe.action === 'case.fullIdentity' && can(user, 'case.view', c)
          ? { status: 403, code: 'CASE_FILES_PARTICIPANTS_ONLY' }
          : { status: 403, code: 'FORBIDDEN_OFFICE' };
      case 'state':
        return { code: probe.wrongState! };
      default:
        return 'allowed';
    }
  }

  it.each(PROBES)('$action: $name', async (probe) => {
    const c = probe.on?.();
    const outcomes = new Set<string>();
    expect((await probe.call(client['anon']!)).body?.error?.code, `${probe.name} as anon`).toBe('AUTH_REQUIRED');
    for (const { username, user } of people) {
      const r = await probe.call(client[username]!);
      const want = expected(user, probe, c);
      const label = `${probe.name} as ${username} (${user.role}@${user.officeId}): ${r.status} ${JSON.stringify(r.body?.error ?? '')}`;
      if (want === 'allowed') {
        expect([401, 403], label).not.toContain(r.status);
        expect(r.status, label).toBeLessThan(500);
      } else {
        expect(r.body?.error?.code, label).toBe(want.code);
        if (want.status) expect(r.status, label).toBe(want.status);
      }
      outcomes.add(refusal(user, probe.action, c) ?? 'allowed');
    }
    // Each probe lets someone past the access check and refuses someone.
    expect(
      [...outcomes].some((o) => o === 'allowed' || o === 'state'),
      probe.name,
    ).toBe(true);
    expect(
      [...outcomes].some((o) => o === 'role' || o === 'office'),
      probe.name,
    ).toBe(true);
  });
});
