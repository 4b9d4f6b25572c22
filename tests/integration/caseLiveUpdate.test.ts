import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { CASE_CHANGED_EVENT, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { actorOf } from '@tongban/server/auth/AuthService';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/testServer';
import { APPLICANT, createCase, ITEM_HN, ITEM_SC, jpegBytes, transition, upload } from '../support/caseFixtures';
import { CARD_PERSON, wrongCheck } from '../support/precheckFixtures';

/**
 * `case:changed` on the default socket: after a case change commits, exactly the connected users
 * who may see the case hear of it — its intake window, its handling office, administrators — and
 * nobody at an unrelated office; never for a rolled-back change, and with ids and state only.
 * That covers the scans and the pre-check too, so a second clerk at the window and the reviewer
 * at the handling office see them change without reloading.
 */

/** clerk3: a second clerk at clerk's window (gd-sg-window), created for this test. */
const USERS = ['clerk', 'clerk3', 'supervisor', 'reviewer', 'admin', 'clerk2', 'reviewer2'] as const;
type Username = (typeof USERS)[number];

let srv: TestServer;
const api = {} as Record<Username, ApiClient>;
const sockets: Socket[] = [];
const heard = Object.fromEntries(USERS.map((u) => [u, [] as CaseChangedEvent[]])) as Record<Username, CaseChangedEvent[]>;

const userId = (u: Username) => srv.ctx.auth.userByName(u)!.id;
const casesHeardBy = (u: Username) => heard[u].map((e) => e.caseId);

/**
 * A case at an unrelated office (gd-sz-window → sc-cd-office) changes after everything the test
 * did before; clerk2 and reviewer2 hear of it. Events reach one socket in the order the server
 * sent them, so what else they heard by then is all they will ever hear of the earlier changes.
 */
async function sentinel(): Promise<string> {
  const other = await createCase(api.clerk2, ITEM_SC);
  expect((await transition(api.clerk2, other.id, 'withdraw')).status).toBe(200);
  await expect.poll(() => casesHeardBy('clerk2').includes(other.id) && casesHeardBy('reviewer2').includes(other.id)).toBe(true);
  return other.id;
}

beforeAll(async () => {
  // One OCR worker: the pre-check results the clerk corrects and overrides are real.
  srv = await startTestServer({ OCR_WORKERS: 1 });
  await srv.ctx.auth.createUser(
    { username: 'clerk3', displayName: '赵窗口', role: 'clerk', officeId: 'gd-sg-window', password: TEST_PASSWORD },
    SYSTEM_ACTOR,
  );
  for (const u of USERS) {
    api[u] = await ApiClient.login(srv.url, u);
    const socket = connect(srv.url, { extraHeaders: { cookie: api[u].cookieHeader }, transports: ['websocket'] });
    socket.on(CASE_CHANGED_EVENT, (e: CaseChangedEvent) => heard[u].push(e));
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
  }
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await srv?.stop();
});

describe('case:changed', () => {
  it('reaches both offices of the case and administrators, with ids and state only; nobody at an unrelated office', async () => {
    const c = await createCase(api.clerk, ITEM_HN);
    expect((await transition(api.clerk, c.id, 'withdraw')).status).toBe(200);

    const expected: CaseChangedEvent = { caseId: c.id, state: 'withdrawn', kinds: ['state'], byUserId: userId('clerk') };
    for (const u of ['clerk', 'supervisor', 'reviewer', 'admin'] as const) {
      await expect.poll(() => heard[u], { message: u }).toContainEqual(expected);
    }
    // Exactly these fields: no name, ID number or phone of the applicant.
    const event = heard.clerk.find((e) => e.caseId === c.id)!;
    expect(Object.keys(event).sort()).toEqual(['byUserId', 'caseId', 'kinds', 'state']);
    for (const personal of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone]) expect(JSON.stringify(event)).not.toContain(personal);

    const other = await sentinel();
    expect(casesHeardBy('clerk2')).toEqual([other]);
    expect(casesHeardBy('reviewer2')).toEqual([other]);
    // …and the sentinel's own change stays at its offices (admins see every case).
    expect(casesHeardBy('clerk')).not.toContain(other);
    expect(casesHeardBy('reviewer')).not.toContain(other);
    expect(casesHeardBy('admin')).toContain(other);
  });

  it('a commit with several changes to one case is one event with the state after it; a rolled-back change is none', async () => {
    const c = await createCase(api.clerk, ITEM_HN);
    const { db, cases, auth } = srv.ctx;
    const clerk = actorOf(auth.userByName('clerk')!);
    const supervisor = actorOf(auth.userByName('supervisor')!);
    const before = heard.clerk.length;

    db.transaction(() => {
      cases.applyTransition(c.id, 'withdraw', clerk);
      cases.applyTransition(c.id, 'reopen', supervisor);
    })();
    expect(() =>
      db.transaction(() => {
        cases.applyTransition(c.id, 'withdraw', clerk);
        throw new Error('something later in the same transaction failed');
      })(),
    ).toThrow('something later');
    expect(cases.get(c.id).state).toBe('draft');

    await sentinel();
    const mine = heard.clerk.slice(before).filter((e) => e.caseId === c.id);
    // Two actors in one commit: attributed to no single user.
    expect(mine).toEqual([{ caseId: c.id, state: 'draft', kinds: ['state'], byUserId: null }]);
  });

  it('scans uploaded or deleted and pre-check results, corrections and overrides reach both offices, ids only; nobody at an unrelated office', async () => {
    // The applicant of the generated card, whose ID number the scan gets wrong by one check digit.
    const applicant = { name: CARD_PERSON.name, idNumber: CARD_PERSON.idNumber, phone: APPLICANT.phone };
    const c = await createCase(api.clerk, ITEM_HN, applicant);
    const byClerk = userId('clerk');
    // The uploader's other devices, the second clerk at the window, the handling office, admins.
    const watchers = ['clerk', 'clerk3', 'supervisor', 'reviewer', 'admin'] as const;
    const heardOf = (u: Username, kinds: CaseChangedEvent['kinds'], byUserId: string | null) =>
      heard[u].filter((e) => e.caseId === c.id && e.kinds.join() === kinds.join() && e.byUserId === byUserId).length;
    const expectHeard = async (kinds: CaseChangedEvent['kinds'], byUserId: string | null, times: number) => {
      // Generous: the first wait includes a real OCR run on a shared machine.
      for (const u of watchers)
        await expect.poll(() => heardOf(u, kinds, byUserId), { message: `${u} ${kinds.join()}`, timeout: 60_000 }).toBe(times);
    };

    const scan = await renderIdCardFront({ ...CARD_PERSON, idNumber: wrongCheck(CARD_PERSON.idNumber) });
    const front = await upload(api.clerk, c.id, 'ID_CARD_FRONT', scan, 'front.png');
    expect(front.status).toBe(201);
    await expectHeard(['materials'], byClerk, 1);
    // The same bytes again change nothing (deduplicated): counted once the sentinel has passed, below.
    expect((await upload(api.clerk, c.id, 'ID_CARD_FRONT', scan, 'front.png')).body.deduplicated).toBe(true);

    // The OCR's stored result is the system's doing.
    await expectHeard(['precheck'], null, 1);
    const material = (await api.reviewer.get(`/api/cases/${c.id}/precheck`)).body.materials[0];
    const checksum = material.findings.find((f: { code: string }) => f.code === 'ID_NUMBER_CHECKSUM');
    expect(checksum, JSON.stringify(material.findings)).toBeDefined();

    const override = { materialId: material.materialId, findingCode: checksum.key, reason: '原件为旧版证件，已人工核验' };
    expect((await api.clerk.post(`/api/cases/${c.id}/precheck/overrides`, override)).status).toBe(200);
    await expectHeard(['precheck'], byClerk, 1);
    const correction = { materialId: material.materialId, fieldKey: 'idNumber', value: CARD_PERSON.idNumber, reason: '按原件更正' };
    expect((await api.clerk.post(`/api/cases/${c.id}/precheck/corrections`, correction)).status).toBe(200);
    await expectHeard(['precheck'], byClerk, 2);
    // …and the reviewer reading the pre-check now sees the correction.
    const seen = (await api.reviewer.get(`/api/cases/${c.id}/precheck`)).body.materials[0];
    expect(seen.fields.find((f: { key: string }) => f.key === 'idNumber')).toMatchObject({ value: CARD_PERSON.idNumber, corrected: true });
    // Read again on request: the other office hears of the re-run at once, then of its result.
    expect((await api.clerk.post(`/api/cases/${c.id}/precheck`, { materialId: material.materialId })).status).toBe(202);
    await expectHeard(['precheck'], byClerk, 3);
    await expectHeard(['precheck'], null, 2);

    // A wrong scan, taken back.
    const wrong = await upload(api.clerk, c.id, 'ID_CARD_BACK', jpegBytes());
    expect(wrong.status).toBe(201);
    await expectHeard(['materials'], byClerk, 2);
    expect((await api.clerk.request('DELETE', `/api/cases/${c.id}/materials/${wrong.body.material.id}`)).status).toBe(200);
    await expectHeard(['materials'], byClerk, 3);

    await sentinel();
    for (const u of watchers) expect(heardOf(u, ['materials'], byClerk), u).toBe(3);
    expect(casesHeardBy('clerk2')).not.toContain(c.id);
    expect(casesHeardBy('reviewer2')).not.toContain(c.id);
    const events = heard.reviewer.filter((e) => e.caseId === c.id);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['byUserId', 'caseId', 'kinds', 'state']);
      for (const personal of [applicant.name, applicant.idNumber, applicant.phone, wrongCheck(applicant.idNumber)])
        expect(JSON.stringify(e)).not.toContain(personal);
    }
  });
});
