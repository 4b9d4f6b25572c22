import { Router } from 'express';
import { LoginRequestSchema } from '@tongban/shared';
import type { AuthService } from '../auth/AuthService';
import type { Config } from '../config/config';
import { currentUser, parse, route, SESSION_COOKIE } from './http';

export function createAuthRoutes(ctx: { auth: AuthService; config: Pick<Config, 'TLS_CERT' | 'TLS_SELF_SIGNED'> }): Router {
  const r = Router();
  const secure = Boolean(ctx.config.TLS_CERT || ctx.config.TLS_SELF_SIGNED);

  r.post(
    '/auth/login',
    route(async (req, res) => {
      const body = parse(LoginRequestSchema, req.body);
      const { token, user, expiresAt } = await ctx.auth.login(body.username, body.password, req.ip ?? 'unknown');
      res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, expires: new Date(expiresAt), path: '/' });
      res.json({ user, expiresAt });
    }),
  );

  r.post(
    '/auth/logout',
    route((req, res) => {
      const user = currentUser(req);
      ctx.auth.logout(req.sessionToken!, user);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ ok: true });
    }),
  );

  // "Who am I?" has an answer without a session — nobody — so a fresh visit asks without a 401.
  r.get(
    '/auth/me',
    route((req, res) => {
      res.json({ user: req.user ?? null });
    }),
  );
  return r;
}
