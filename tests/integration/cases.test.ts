import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, CASE_LIST_PAGE_SIZE } from '@tongban/shared';
import { caseNumberPrefix } from '@tongban/shared/cases/caseNumber';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import {
  APPLICANT,
  applicantCard,
  createCase,
  ITEM_HN,
  ITEM_SC,
  makePrecheckReady,
  precheckCase,
  transition,
  upload,
  uploadMissingScans,
  waitForPrecheck,
} from '../support/caseFixtures';
import { wrongCheck } from '../support/precheckFixtures';
import { decideByReview, requestReview } from '../support/reviewFixtures';

let srv: TestServer;
let clerk: ApiClient;
let reviewer: ApiClient;
beforeAll(async () => {
  // One OCR worker: `precheck` needs a genuinely pre-checked case.
  srv = await startTestServer({ OCR_WORKERS: 1 });
  clerk = await ApiClient.login(srv.url, 'clerk');
  reviewer = await ApiClient.login(srv.url, 'reviewer');
});
afterAll(async () => {
  await srv.stop();
});

describe('catalog', () => {
  it('lists at least 8 items over two handling offices, with full specs', async () => {
    const r = await clerk.get('/api/catalog/items');
    expect(r.status).toBe(200);
    const items = r.body.items as any[];
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(new Set(items.map((i) => i.handlingOfficeId))).toEqual(new Set(['hn-cs-office', 'sc-cd-office']));
    for (const i of items) {
      expect(i).toMatchObject({
        code: expect.any(String),
        name: expect.any(String),
        legalBasis: expect.stringContaining('《'),
        timeLimitDays: expect.any(Number),
      });
      expect(i.materials.length).toBeGreaterThan(1);
      for (const m of i.materials) if (m.kind === 'application-form') expect(m.requiredFields.length).toBeGreaterThan(0);
    }
    const one = await clerk.get(`/api/catalog/items/${ITEM_HN}`);
    expect(one.body.item.name).toBe('社会保障卡申领');
    expect(one.body.handlingOffice).toMatchObject({ id: 'hn-cs-office', province: '湖南省' });
    expect((await clerk.get('/api/catalog/items/NOPE')).body.error.code).toBe('ITEM_UNKNOWN');
    const offices = (await clerk.get('/api/offices')).body.offices as any[];
    expect(
      offices
        .filter((o) => o.kind === 'intake')
        .map((o) => o.id)
        .sort(),
    ).toEqual(['gd-sg-window', 'gd-sz-window']);
  });

  it('seeded the catalog under audit', () => {
    const seeded = [...srv.ctx.ledger.all()].filter((e) => e.action === 'seed.item');
    expect(seeded.length).toBe(srv.ctx.catalog.listItems().length);
  });
});

describe('creating cases', () => {
  it('numbers cases per window per China day and computes the working-day deadline', async () => {
    const a = await createCase(clerk);
    const b = await createCase(clerk, ITEM_SC);
    const prefix = caseNumberPrefix('GD-SG', new Date(a.body.case.createdAt));
    expect(a.caseNo).toMatch(new RegExp(`^${prefix}-\\d{4}$`));
    expect(Number(b.caseNo.slice(-4))).toBe(Number(a.caseNo.slice(-4)) + 1);
    const clerk2 = await ApiClient.login(srv.url, 'clerk2');
    expect((await createCase(clerk2)).caseNo).toMatch(/^GD-SZ-\d{8}-0001$/);

    const c = a.body.case;
    expect(c).toMatchObject({
      state: 'draft',
      intakeOfficeId: 'gd-sg-window',
      handlingOfficeId: 'hn-cs-office',
      itemName: '社会保障卡申领',
    });
    expect(c.deadline).toBe(addWorkingDays(new Date(c.createdAt), 10, srv.ctx.calendar.current()));
    expect(c.applicant).toMatchObject({ idNumber: APPLICANT.idNumber, idNumberMasked: '1101**********002X', phoneMasked: '138****8000' });
    expect(a.body.allowedActions).toEqual(['precheck', 'withdraw']);
  });

  it('refuses a bad ID checksum, a bad USCC, an unknown item and malformed bodies with specific codes', async () => {
    const bad = await clerk.post('/api/cases', { itemCode: ITEM_HN, applicant: { ...APPLICANT, idNumber: '110105194912310021' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'ID_NUMBER_INVALID', details: { path: 'applicant.idNumber' } });
    expect(bad.body.error.message_zh).toContain('身份证');
    const badDate = await clerk.post('/api/cases', { itemCode: ITEM_HN, applicant: { ...APPLICANT, idNumber: '110105194902300026' } });
    expect(badDate.body.error.code).toBe('ID_NUMBER_INVALID');
    const uscc = await clerk.post('/api/cases', {
      itemCode: 'TB-YYZZ-BG',
      applicant: APPLICANT,
      company: { name: '某公司', uscc: '91350100M000100Y44' },
    });
    expect(uscc.status).toBe(400);
    expect(uscc.body.error.code).toBe('USCC_INVALID');
    const unknown = await clerk.post('/api/cases', { itemCode: 'NO-SUCH-ITEM', applicant: APPLICANT });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('ITEM_UNKNOWN');
    const malformed = await clerk.request('POST', '/api/cases', '{"itemCode":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
    const missing = await clerk.post('/api/cases', {
      itemCode: ITEM_HN,
      applicant: { name: '张三', idNumber: APPLICANT.idNumber, phone: '12' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('keeps the full ID number out of lists and the audit ledger', async () => {
    const { id } = await createCase(clerk);
    const list = await clerk.get('/api/cases?scope=all');
    const mine = list.body.cases.find((c: any) => c.id === id);
    expect(mine.applicant.idNumberMasked).toBe('1101**********002X');
    expect(mine.applicant.idNumber).toBeUndefined();
    expect(mine.applicant.phone).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(APPLICANT.idNumber);
    const audit = await clerk.get(`/api/cases/${id}/audit`);
    expect(audit.body.events[0]).toMatchObject({ action: 'case.created', details: { applicant: { idNumber: '1101**********002X' } } });
    const everything = srv.ctx.db.prepare('SELECT group_concat(details_json) FROM audit_events').pluck().get() as string;
    expect(everything).not.toContain(APPLICANT.idNumber);
  });
});

describe('transitions', () => {
  it('runs a case to acceptance through the video co-review, one audit event per change, and records the decision time', async () => {
    const { id } = await createCase(clerk);
    await makePrecheckReady(clerk, id);
    expect((await transition(clerk, id, 'precheck')).body.case.state).toBe('prechecked');
    const session = await decideByReview(clerk, reviewer, id, { outcome: 'accept', note: `核验通过 ${APPLICANT.idNumber}` });
    expect(session.status).toBe('decided');
    const accepted = (await reviewer.get(`/api/cases/${id}`)).body.case;
    expect(accepted.state).toBe('accepted');
    expect(accepted.decidedAt).toBeTruthy();
    const events = ((await reviewer.get(`/api/cases/${id}/audit`)).body.events as any[]).filter((e) => e.action.startsWith('case.'));
    expect(events.map((e) => e.action)).toEqual(['case.created', 'case.precheck', 'case.request_review', 'case.accept']);
    expect(events[2].details.sessionId).toBe(session.id);
    expect(events[3]).toMatchObject({
      actor_name: 'reviewer',
      actor_role: 'reviewer',
      office_id: 'hn-cs-office',
      details: { sessionId: session.id, from: 'in_review', to: 'accepted' },
    });
    // A note with an ID number in it is masked before it is hashed in.
    expect(events[3].details.note).toBe('核验通过 1101**********002X');
    expect(JSON.stringify(events[3].details)).not.toContain(APPLICANT.idNumber);
    expect(srv.ctx.ledger.verify().ok).toBe(true);
  });

  it('masks ID numbers in a generic transition’s note and never lets its details restate the machine’s facts', async () => {
    const { id } = await createCase(clerk);
    // Details are only the fields the action defines: restating the machine's facts is refused.
    const restating = await clerk.post(`/api/cases/${id}/transitions`, {
      action: 'withdraw',
      details: { to: 'rated', from: 'completed', channel: '窗口' },
    });
    expect([restating.status, restating.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const r = await clerk.post(`/api/cases/${id}/transitions`, {
      action: 'withdraw',
      note: `申请人撤回 ${APPLICANT.idNumber}`,
      details: { channel: '窗口' },
    });
    expect(r.status).toBe(200);
    expect(r.body.case.state).toBe('withdrawn');
    const ev = srv.ctx.ledger.forCase(id).at(-1)!;
    expect(ev).toMatchObject({
      action: 'case.withdraw',
      details: { channel: '窗口', from: 'draft', to: 'withdrawn', note: '申请人撤回 1101**********002X' },
    });
  });

  it('refuses illegal transitions with 409 and wrong roles with 403, changing nothing', async () => {
    const { id } = await createCase(clerk);
    const illegal = await transition(clerk, id, 'resubmit');
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.code).toBe('CASE_ILLEGAL_TRANSITION');
    const wrongRole = await transition(reviewer, id, 'withdraw');
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error.code).toBe('CASE_TRANSITION_FORBIDDEN');
    const bad = await clerk.post(`/api/cases/${id}/transitions`, { action: 'teleport' });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await clerk.get(`/api/cases/${id}`)).body.case.state).toBe('draft');
    expect(srv.ctx.ledger.forCase(id).map((e) => e.action)).toEqual(['case.created']);
  });

  it('refuses the co-review request and its decision on the generic route: a case is decided only in a video co-review', async () => {
    const { id } = await createCase(clerk);
    await precheckCase(clerk, id);
    const ledger = () => srv.ctx.ledger.forCase(id).map((e) => e.hash);
    const state = async () => (await clerk.get(`/api/cases/${id}`)).body.case.state;
    const refuse = async (who: ApiClient, action: string, endpoint: string) => {
      const before = ledger();
      const r = await transition(who, id, action, '无视频会审直接办理');
      expect(r.status, action).toBe(409);
      expect(r.body.error.code).toBe('CASE_ACTION_NEEDS_ENDPOINT');
      expect(r.body.error.details).toEqual({ action, endpoint });
      expect(r.body.error.message_zh).toContain('视频会审');
      expect(ledger(), action).toEqual(before);
    };

    await refuse(clerk, 'request_review', 'POST /api/cases/:id/review');
    expect(await state()).toBe('prechecked');
    expect((await clerk.get(`/api/cases/${id}/review`)).body.session).toBeNull();

    // In review: the reviewer is offered the decision (the client shows it in the review panel), never on this route.
    const sessionId = await requestReview(clerk, id);
    expect((await reviewer.get(`/api/cases/${id}`)).body.allowedActions).toEqual(['accept', 'request_correction', 'reject']);
    for (const action of ['accept', 'request_correction', 'reject']) {
      await refuse(reviewer, action, 'POST /api/review/sessions/:id/decision');
    }
    expect(await state()).toBe('in_review');
    expect((await reviewer.get(`/api/review/sessions/${sessionId}`)).body).toMatchObject({ status: 'waiting' });
    const caseEvents = srv.ctx.ledger.forCase(id).filter((e) => e.action.startsWith('case.'));
    expect(caseEvents.map((e) => e.action)).toEqual(['case.created', 'case.precheck', 'case.request_review']);
  });

  it('refuses handoff, result and rating transitions on the generic route: they need their own records', async () => {
    const { id } = await createCase(clerk);
    await precheckCase(clerk, id);
    await decideByReview(clerk, reviewer, id, { outcome: 'accept' });
    for (const [who, action] of [
      [clerk, 'hand_off'],
      [reviewer, 'start_handling'],
      [reviewer, 'complete'],
      [clerk, 'rate'],
    ] as const) {
      const r = await transition(who, id, action);
      expect(r.status, action).toBe(409);
      expect(r.body.error.code).toBe('CASE_ACTION_NEEDS_ENDPOINT');
      expect(r.body.error.details.action).toBe(action);
    }
    expect((await clerk.get(`/api/cases/${id}`)).body.case.state).toBe('accepted');
  });

  it('fires `precheck` only through the pre-check gate: missing, pending and blocking scans are refused', async () => {
    const { id } = await createCase(clerk);
    const state = async () => (await clerk.get(`/api/cases/${id}`)).body.case.state;
    const empty = await transition(clerk, id, 'precheck');
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('PRECHECK_INCOMPLETE');
    expect(empty.body.error.details.missingSlots).toEqual(['ID_CARD_FRONT', 'ID_CARD_BACK', 'SBK_FORM', 'PHOTO']);

    // The applicant's card, but with a wrong check digit; the other scans are fine.
    const card = applicantCard(wrongCheck(APPLICANT.idNumber));
    expect((await upload(clerk, id, 'ID_CARD_FRONT', await renderIdCardFront(card), 'front.png')).status).toBe(201);
    await uploadMissingScans(clerk, id);
    const pending = await transition(clerk, id, 'precheck');
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe('PRECHECK_PENDING');
    expect(pending.body.error.details.pending).toBeGreaterThan(0);

    const checked = await waitForPrecheck(clerk, id);
    const front = checked.materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
    const blocks = front.findings.filter((f) => f.severity === 'block').map((f) => f.key);
    expect(blocks).toContain('ID_NUMBER_CHECKSUM:idNumber');
    const blocked = await transition(clerk, id, 'precheck', '跳过预审');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('PRECHECK_INCOMPLETE');
    expect(blocked.body.error.details.blocking).toEqual(
      expect.arrayContaining([{ materialId: front.materialId, key: 'ID_NUMBER_CHECKSUM:idNumber' }]),
    );
    // Trusted server code cannot skip the gate either.
    expect(() => srv.ctx.db.transaction(() => srv.ctx.cases.applyTransition(id, 'precheck', SYSTEM_ACTOR))()).toThrow(
      expect.objectContaining({ code: 'PRECHECK_INCOMPLETE' }),
    );
    expect(await state()).toBe('draft');
    expect(srv.ctx.ledger.forCase(id).map((e) => e.action)).not.toContain('case.precheck');

    for (const key of blocks) {
      const o = await clerk.post(`/api/cases/${id}/precheck/overrides`, {
        materialId: front.materialId,
        findingCode: key,
        reason: '已核对原件，号码以原件为准',
      });
      expect(o.status).toBe(200);
    }
    const passed = await transition(clerk, id, 'precheck');
    expect(passed.status, JSON.stringify(passed.body)).toBe(200);
    expect(passed.body.case.state).toBe('prechecked');
    expect(srv.ctx.ledger.forCase(id).filter((e) => e.action === 'case.precheck')).toHaveLength(1);
  });

  it('applyTransition joins the caller’s transaction: a failure rolls back the state and its event', async () => {
    const { id } = await createCase(clerk);
    await makePrecheckReady(clerk, id);
    const { ctx } = srv;
    expect(() => ctx.cases.applyTransition(id, 'precheck', SYSTEM_ACTOR)).toThrow(/inside a db.transaction/);
    const before = ctx.db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get();
    expect(() =>
      ctx.db.transaction(() => {
        ctx.cases.applyTransition(id, 'precheck', SYSTEM_ACTOR, { details: { engine: 'test' } });
        throw new Error('the caller’s own insert failed');
      })(),
    ).toThrow(/own insert/);
    expect(ctx.cases.get(id).state).toBe('draft');
    expect(ctx.db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get()).toBe(before);
    const done = ctx.db.transaction(() => ctx.cases.applyTransition(id, 'precheck', SYSTEM_ACTOR, { details: { engine: 'test' } }))();
    expect(done).toMatchObject({
      from: 'draft',
      to: 'prechecked',
      case: { state: 'prechecked' },
      event: { action: 'case.precheck', details: { engine: 'test' } },
    });
  });
});

describe('lists', () => {
  it('filters by scope and state', async () => {
    const { id } = await createCase(clerk);
    await transition(clerk, id, 'withdraw');
    const mine = (await clerk.get('/api/cases?scope=mine')).body.cases as any[];
    expect(mine.some((c) => c.id === id)).toBe(true);
    const queue = (await clerk.get('/api/cases?scope=queue')).body.cases as any[];
    expect(queue.some((c) => c.id === id)).toBe(false);
    expect(queue.every((c, i) => i === 0 || queue[i - 1].updatedAt <= c.updatedAt)).toBe(true);
    const withdrawn = (await clerk.get('/api/cases?scope=all&state=withdrawn')).body.cases as any[];
    expect(withdrawn.map((c) => c.id)).toContain(id);
    expect(withdrawn.every((c) => c.state === 'withdrawn')).toBe(true);
    const reviewerQueue = (await reviewer.get('/api/cases?scope=queue')).body.cases as any[];
    expect(reviewerQueue.length).toBeGreaterThan(0);
    expect(reviewerQueue.every((c) => c.handlingOfficeId === 'hn-cs-office')).toBe(true);
    expect((await clerk.get('/api/cases?scope=everything')).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('pages a list, with its totals over every page', async () => {
    for (let i = 0; i < 3; i++) await createCase(clerk);
    const late = await createCase(clerk);
    srv.ctx.db.prepare('UPDATE cases SET deadline = ? WHERE id = ?').run('2020-01-02', late.id);
    const whole = (await clerk.get('/api/cases?scope=mine&pageSize=100')).body;
    expect(whole.total).toBe(whole.cases.length);
    expect(whole.total).toBeGreaterThanOrEqual(4);
    expect(whole.overdue).toBe(whole.cases.filter((c: any) => c.overdue).length);
    expect(whole.cases.find((c: any) => c.id === late.id)).toMatchObject({ overdue: true });
    const byState: Record<string, number> = {};
    for (const c of whole.cases) byState[c.state] = (byState[c.state] ?? 0) + 1;
    expect(whole.byState).toEqual(byState);

    // Pages of 2: newest first, none twice, none left out, each with the same totals.
    const seen: string[] = [];
    for (let page = 1; page <= Math.ceil(whole.total / 2); page++) {
      const r = (await clerk.get(`/api/cases?scope=mine&pageSize=2&page=${page}`)).body;
      expect(r).toMatchObject({ page, pageSize: 2, total: whole.total, overdue: whole.overdue, byState: whole.byState });
      expect(r.cases.length).toBe(Math.min(2, whole.total - (page - 1) * 2));
      seen.push(...r.cases.map((c: any) => c.id));
    }
    expect(seen).toEqual(whole.cases.map((c: any) => c.id));
    const past = (await clerk.get(`/api/cases?scope=mine&pageSize=2&page=${whole.total + 1}`)).body;
    expect(past).toMatchObject({ cases: [], total: whole.total });
    // The default page is what the desk shows; a page size past the limit is refused, not cut.
    expect((await clerk.get('/api/cases?scope=mine')).body.pageSize).toBe(CASE_LIST_PAGE_SIZE);
    for (const bad of ['pageSize=101', 'pageSize=0', 'page=0', 'page=abc', 'page=1.5']) {
      const r = await clerk.get(`/api/cases?scope=mine&${bad}`);
      expect([r.status, r.body.error.code], bad).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});
