import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startTestServer, TEST_PASSWORD, type TestServer } from '../support/testServer';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.stop();
});

describe('auth', () => {
  it('refuses the API without a session; /api/auth/me answers "nobody" without a 401', async () => {
    const r = await new ApiClient(srv.url).get('/api/cases');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('AUTH_REQUIRED');
    const me = await new ApiClient(srv.url).get('/api/auth/me');
    expect([me.status, me.body]).toEqual([200, { user: null }]);
  });

  it('logs in with an HTTP-only SameSite cookie and logs out', async () => {
    const c = new ApiClient(srv.url);
    const r = await c.post('/api/auth/login', { username: 'clerk', password: TEST_PASSWORD });
    expect(r.status).toBe(200);
    const cookie = r.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/api/auth/me')).body.user).toMatchObject({ username: 'clerk', role: 'clerk', officeId: 'gd-sg-window' });
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).body).toEqual({ user: null });
    expect((await c.get('/api/cases')).status).toBe(401);
  });

  it('rejects a wrong password, malformed JSON and a bad body with specific codes', async () => {
    const c = new ApiClient(srv.url);
    expect((await c.post('/api/auth/login', { username: 'reviewer', password: 'nope' })).body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const bad = await c.request('POST', '/api/auth/login', '{"username":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('MALFORMED_JSON');
    const invalid = await c.post('/api/auth/login', { username: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('rate-limits repeated failed logins', async () => {
    const c = new ApiClient(srv.url);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await c.post('/api/auth/login', { username: 'supervisor', password: 'wrong' })).status);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes[6]).toBe(429);
    // Even the right password waits out the window.
    expect((await c.post('/api/auth/login', { username: 'supervisor', password: TEST_PASSWORD })).status).toBe(429);
  });

  it('audits logins in the hash chain', async () => {
    const r = srv.ctx.ledger.verify();
    expect(r.ok).toBe(true);
    const actions = [...srv.ctx.ledger.all()].map((e) => e.action);
    expect(actions).toContain('auth.login');
    expect(actions).toContain('auth.login_failed');
  });
});
