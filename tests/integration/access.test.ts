import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT, createCase, jpegBytes, precheckCase, upload, transition } from '../support/caseFixtures';
import { requestReview } from '../support/reviewFixtures';

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
  // One OCR worker: a case reaches review only through a real pre-check.
  srv = await startTestServer({ OCR_WORKERS: 1 });
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
