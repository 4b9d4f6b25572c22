import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { CASE_CHANGED_EVENT, type CaseChangedEvent } from '@tongban/shared/cases/caseEvents';
import { actorOf } from '@tongban/server/auth/AuthService';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { APPLICANT, createCase, ITEM_HN, ITEM_SC, transition } from '../support/caseFixtures';

/**
 * `case:changed` on the default socket: after a case change commits, exactly the connected users
 * who may see the case hear of it — its intake window, its handling office, administrators — and
 * nobody at an unrelated office; never for a rolled-back change, and with ids and state only.
 */

const USERS = ['clerk', 'supervisor', 'reviewer', 'admin', 'clerk2', 'reviewer2'] as const;
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
  srv = await startTestServer();
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
});
