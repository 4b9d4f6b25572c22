import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientEventName,
  ClientToServerEvents,
  RequestOf,
  ResponseOf,
  ServerToClientEvents,
} from '@tongban/shared/signalling/events';
import { IDENTITY_STEPS } from '@tongban/shared/review/checklist';
import type { DecisionRequest, ReviewSessionView } from '@tongban/shared/review/session';
import type { Env } from '@tongban/server/config/config';
import type { ApiClient } from './testServer';
import { createCase, ITEM_HN, precheckCase } from './caseFixtures';

/** Helpers for the co-review suites: a pre-checked case, a session and its decision, and a typed /rtc signalling client. */

/** SFU settings for tests: one worker, loopback only, its own port range. */
export function sfuTestConfig(minPort: number): Partial<Env> {
  return { SFU_WORKERS: 1, RTC_LISTEN_IP: '127.0.0.1', RTC_MIN_PORT: minPort, RTC_MAX_PORT: minPort + 199 };
}

/**
 * Creates a case at the clerk's window for an item handled by hn-cs-office (reviewer) and takes it
 * through the real pre-check (generated scans, OCR, the `precheck` transition) to `prechecked`.
 * The server needs OCR_WORKERS ≥ 1.
 */
export async function createPrecheckedCase(clerk: ApiClient): Promise<{ id: string; caseNo: string }> {
  const { id, caseNo } = await createCase(clerk, ITEM_HN);
  await precheckCase(clerk, id);
  return { id, caseNo };
}

/** Requests a co-review of a pre-checked case as the clerk (the case goes `in_review`); returns the session id. */
export async function requestReview(clerk: ApiClient, caseId: string): Promise<string> {
  const req = await clerk.post(`/api/cases/${caseId}/review`);
  if (req.status !== 201) throw new Error(`request review: ${req.status} ${JSON.stringify(req.body)}`);
  return req.body.id as string;
}

/** Requests a co-review as the clerk and accepts it as the reviewer; returns the session id. */
export async function openActiveSession(clerk: ApiClient, reviewer: ApiClient, caseId: string): Promise<string> {
  const sessionId = await requestReview(clerk, caseId);
  const acc = await reviewer.post(`/api/review/sessions/${sessionId}/accept`);
  if (acc.status !== 200) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`);
  return sessionId;
}

/**
 * Decides a pre-checked case the only way it can be decided: a co-review session requested by the
 * clerk and accepted by the reviewer, then the reviewer's decision. 受理 first needs the
 * applicant's consent and every identity step passed (liveness after a server prompt), so for
 * `accept` those are recorded too; 补正 and 不予受理 need none. Returns the decided session.
 */
export async function decideByReview(
  clerk: ApiClient,
  reviewer: ApiClient,
  caseId: string,
  decision: DecisionRequest,
): Promise<ReviewSessionView> {
  const sessionId = await openActiveSession(clerk, reviewer, caseId);
  if (decision.outcome === 'accept') {
    await reviewerStep(reviewer, sessionId, 'consent', { recordingAllowed: false, snapshotsAllowed: false });
    await passIdentityChecks(reviewer, sessionId);
  }
  return reviewerStep(reviewer, sessionId, 'decision', decision);
}

/** The reviewer's liveness prompt and every identity step passed (受理 needs them, after the consent). */
export async function passIdentityChecks(reviewer: ApiClient, sessionId: string): Promise<void> {
  await reviewerStep(reviewer, sessionId, 'liveness');
  for (const step of IDENTITY_STEPS) await reviewerStep(reviewer, sessionId, 'checks', { step, passed: true, note: '测试：核验通过' });
}

async function reviewerStep(reviewer: ApiClient, sessionId: string, step: string, body?: unknown): Promise<ReviewSessionView> {
  const r = await reviewer.post(`/api/review/sessions/${sessionId}/${step}`, body);
  if (r.status >= 300) throw new Error(`${step}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as ReviewSessionView;
}

export type RtcClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects to /rtc with a login cookie, an applicant key, or a peer site's join grant (or rejoin
 * key), from the page at `origin` if given; rejects with the server's error code.
 */
export function connectRtc(
  url: string,
  auth: { cookie?: string; token?: string; grant?: string; rejoin?: string; origin?: string },
): Promise<RtcClient> {
  const headers = { ...(auth.cookie ? { cookie: auth.cookie } : {}), ...(auth.origin ? { origin: auth.origin } : {}) };
  const handshake = {
    ...(auth.token ? { token: auth.token } : {}),
    ...(auth.grant ? { grant: auth.grant } : {}),
    ...(auth.rejoin ? { rejoin: auth.rejoin } : {}),
  };
  const socket: RtcClient = io(`${url}/rtc`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}),
    ...(Object.keys(handshake).length > 0 ? { auth: handshake } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(Object.assign(new Error(err.message), { code: (err as { data?: { code?: string } }).data?.code ?? err.message }));
    });
  });
}

/** Sends one request and resolves with its ack. */
export function rtcRequest<E extends ClientEventName>(socket: RtcClient, event: E, req: RequestOf<E>): Promise<Ack<ResponseOf<E>>> {
  return new Promise((resolve) => {
    (socket.emit as unknown as (e: string, r: unknown, ack: (a: Ack<ResponseOf<E>>) => void) => void)(event, req, resolve);
  });
}

/** Resolves with the next payload of a server event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: RtcClient,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket.once as unknown as (e: string, fn: (p: unknown) => void) => void)(event, (payload) => {
      clearTimeout(timer);
      resolve(payload as Parameters<ServerToClientEvents[E]>[0]);
    });
  });
}
