import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { createContext } from '@tongban/server/context';
import { listen } from '@tongban/server/app';
import { selfSignedTls } from '@tongban/server/tls/selfSigned';
import { createOriginCheck } from '@tongban/server/api/guards';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/testServer';
import { APPLICANT, ITEM_HN } from '../support/caseFixtures';

/**
 * Hardening of the HTTP and socket.io edges: a broken cookie cannot crash or 500 the server,
 * browser defence headers, foreign origins and non-JSON bodies refused, login limits that
 * X-Forwarded-For cannot dodge, sockets closed at logout, a coded answer to an oversized body.
 */

const FOREIGN = 'http://evil.example:5173';
const BAD_COOKIE = 'ui_zoom=100%';
const NEW_CASE = { itemCode: ITEM_HN, applicant: APPLICANT };

let srv: TestServer;
let clerk: ApiClient;
const opened: Socket[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  clerk = await ApiClient.login(srv.url, 'clerk');
});
afterAll(async () => {
  for (const s of opened) s.close();
  await srv?.stop();
});

/** A socket.io client on `nsp`; resolves when connected, rejects with the refusal's message. */
function openSocket(nsp: string, headers: Record<string, string>): Promise<Socket> {
  const socket = io(`${srv.url}${nsp}`, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(new Error(err.message));
    });
  });
}

const disconnected = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));

describe('a cookie that is not valid percent-encoding', () => {
  it('does not turn the API into 500: /api/health answers and the session cookie next to it still counts', async () => {
    const health = await fetch(`${srv.url}/api/health`, { headers: { cookie: BAD_COOKIE } });
    expect(health.status).not.toBe(500);
    const me = await fetch(`${srv.url}/api/auth/me`, { headers: { cookie: `${BAD_COOKIE}; ${clerk.cookieHeader}; pref=%E4%zz` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe('clerk');
  });

  it('refuses an unauthenticated socket handshake with AUTH_REQUIRED instead of ending the process', async () => {
    await expect(openSocket('/', { cookie: BAD_COOKIE })).rejects.toThrow('AUTH_REQUIRED');
    await expect(openSocket('/rtc', { cookie: BAD_COOKIE })).rejects.toThrow('AUTH_REQUIRED');
    const ok = await openSocket('/', { cookie: `${BAD_COOKIE}; ${clerk.cookieHeader}` });
    expect(ok.connected).toBe(true);
    expect((await fetch(`${srv.url}/api/auth/me`, { headers: { cookie: clerk.cookieHeader } })).status).toBe(200);
  });
});

describe('a bug in a socket middleware', () => {
  it('refuses that handshake with INTERNAL, in any namespace, and the server keeps serving', async () => {
    srv.app.io.of('/hardening-bug').use(() => {
      throw new TypeError('a bug in a feature middleware');
    });
    await expect(openSocket('/hardening-bug', { cookie: clerk.cookieHeader })).rejects.toThrow('INTERNAL');
    expect((await openSocket('/', { cookie: clerk.cookieHeader })).connected).toBe(true);
  });
});

describe('browser defence headers', () => {
  it('sends a Content-Security-Policy that forbids framing, and X-Frame-Options; no HSTS over plain HTTP', async () => {
    const r = await fetch(`${srv.url}/api/health`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS when serving TLS', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-tls-'));
    const config = loadConfig({}, { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, LOG_LEVEL: 'silent', OCR_WORKERS: 0 });
    const ctx = createContext(config, createLogger(config.LOG_LEVEL));
    const app = await listen(ctx, selfSignedTls(config));
    try {
      const hsts = await new Promise<string | undefined>((resolve, reject) => {
        https
          .get(`${app.url}/api/auth/me`, { rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.headers['strict-transport-security'] as string | undefined);
          })
          .on('error', reject);
      });
      expect(hsts).toMatch(/^max-age=\d+/);
    } finally {
      await app.close();
      await ctx.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('requests from another site', () => {
  it('refuses a state-changing request with a foreign Origin (403 ORIGIN_FORBIDDEN) and changes nothing', async () => {
    const before = (await clerk.get('/api/cases')).body;
    const foreign = await clerk.request('POST', '/api/cases', NEW_CASE, { origin: FOREIGN });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('ORIGIN_FORBIDDEN');
    expect((await clerk.get('/api/cases')).body).toEqual(before);
    // Another port on the same host is another site (SameSite=Lax would still send the cookie).
    const otherPort = await clerk.request('POST', '/api/cases', NEW_CASE, { origin: 'http://127.0.0.1:1' });
    expect(otherPort.body.error.code).toBe('ORIGIN_FORBIDDEN');
    expect((await clerk.request('POST', '/api/auth/login', { username: 'clerk', password: 'x' }, { origin: 'null' })).status).toBe(403);
  });

  it('accepts the same requests from this site’s own pages and from callers without Origin', async () => {
    const own = await clerk.request('POST', '/api/cases', NEW_CASE, { origin: srv.url });
    expect(own.status).toBe(201);
    expect((await clerk.post('/api/cases', NEW_CASE)).status).toBe(201);
    // Reading is not state-changing: a foreign Origin on GET is left to CORS (no CORS headers are sent).
    expect((await clerk.request('GET', '/api/auth/me', undefined, { origin: FOREIGN })).status).toBe(200);
  });

  it('refuses a socket.io handshake from a foreign Origin, even with the cookie, on every namespace', async () => {
    await expect(openSocket('/', { cookie: clerk.cookieHeader, origin: FOREIGN })).rejects.toThrow();
    await expect(openSocket('/rtc', { cookie: clerk.cookieHeader, origin: FOREIGN })).rejects.toThrow();
    const polling = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { cookie: clerk.cookieHeader, origin: FOREIGN },
    });
    expect(polling.status).toBe(403);
    expect(await polling.text()).toContain('ORIGIN_FORBIDDEN');
    const own = await openSocket('/', { cookie: clerk.cookieHeader, origin: srv.url });
    expect(own.connected).toBe(true);
  });

  it('trusts PUBLIC_URL and ALLOWED_ORIGINS besides the host the request was made to', () => {
    const check = createOriginCheck({ PUBLIC_URL: 'https://desk.example', ALLOWED_ORIGINS: ['https://hn.example:8443'] });
    const req = (origin: string | undefined, host = '10.0.0.5:8443') => ({ headers: { host, ...(origin ? { origin } : {}) } }) as never;
    expect(check(req(undefined))).toBe(true);
    expect(check(req('https://desk.example'))).toBe(true);
    expect(check(req('https://hn.example:8443'))).toBe(true);
    expect(check(req('https://10.0.0.5:8443'))).toBe(true);
    expect(check(req('https://desk.example', 'desk.example'))).toBe(true);
    expect(check(req('https://localhost', 'localhost:443'))).toBe(true);
    expect(check(req('https://hn.example'))).toBe(false);
    expect(check(req('https://10.0.0.5:9443'))).toBe(false);
    expect(check(req('null'))).toBe(false);
  });
});

describe('bodies that are not JSON', () => {
  it('refuses form-encoded and text/plain bodies on JSON routes with 415 REQUEST_NOT_JSON', async () => {
    const form = await clerk.request('POST', '/api/cases', `itemCode=${ITEM_HN}&applicant[name]=x`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('REQUEST_NOT_JSON');
    const text = await clerk.request('POST', '/api/cases', JSON.stringify(NEW_CASE), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    // An empty HTML form still names its encoding.
    const empty = await clerk.request('POST', '/api/auth/logout', '', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(empty.body.error.code).toBe('REQUEST_NOT_JSON');
    expect((await clerk.get('/api/auth/me')).status).toBe(200);
  });

  it('answers a 5 MB JSON body with 413 REQUEST_BODY_TOO_LARGE, not as a file', async () => {
    const big = await clerk.post('/api/cases', { ...NEW_CASE, note: 'x'.repeat(5 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('REQUEST_BODY_TOO_LARGE');
    expect(big.body.error.message_en).not.toMatch(/file/i);
  });
});

describe('sockets of a session that ends', () => {
  it('disconnects every socket opened with the session at logout, and only those', async () => {
    const leaving = await ApiClient.login(srv.url, 'clerk');
    const main = await openSocket('/', { cookie: leaving.cookieHeader });
    const rtc = await openSocket('/rtc', { cookie: leaving.cookieHeader });
    const otherSession = await openSocket('/', { cookie: clerk.cookieHeader });
    const gone = [disconnected(main), disconnected(rtc)];
    expect((await leaving.post('/api/auth/logout')).status).toBe(200);
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    // The same user's other session (another browser) stays connected and can still be reached.
    expect(otherSession.connected).toBe(true);
    expect((await clerk.get('/api/auth/me')).status).toBe(200);
  });
});

describe('proxy and origin configuration', () => {
  const cfg = (env: Record<string, string>) => loadConfig({ DATA_DIR: os.tmpdir(), ...env });
  it('trusts no proxy by default, refuses "trust everyone", and takes addresses, ranges and names', () => {
    expect(cfg({}).TRUST_PROXY).toBe(false);
    expect(cfg({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', '::1']);
    for (const bad of ['true', '10.0.0.0/40', 'proxy.example']) expect(() => cfg({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });
  it('reads ALLOWED_ORIGINS as origins', () => {
    expect(cfg({ ALLOWED_ORIGINS: 'https://hn.example:8443/, http://sc.example' }).ALLOWED_ORIGINS).toEqual([
      'https://hn.example:8443',
      'http://sc.example',
    ]);
    expect(() => cfg({ ALLOWED_ORIGINS: 'hn.example' })).toThrow(/ALLOWED_ORIGINS/);
  });
});

// Last: these fill the login limits of 127.0.0.1 for a minute.
describe('login rate limit', () => {
  it('is not bypassed by a different X-Forwarded-For on every try (no proxy is configured)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await new ApiClient(srv.url).request(
        'POST',
        '/api/auth/login',
        { username: 'admin', password: 'wrong' },
        { 'x-forwarded-for': `203.0.113.${i + 1}` },
      );
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('limits one address trying many usernames, and then the right password too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await new ApiClient(srv.url).post('/api/auth/login', { username: `guess${i}`, password: 'Passw0rd!' })).status);
    // At most 20 failures a minute from one address, whichever usernames they name.
    expect(statuses.at(-1)).toBe(429);
    const right = await new ApiClient(srv.url).post('/api/auth/login', { username: 'reviewer', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('AUTH_RATE_LIMITED');
  });
});
