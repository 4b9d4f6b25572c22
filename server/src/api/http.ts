import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError, isAppError } from '@tongban/shared';
import { assertCan, type Action } from '@tongban/shared/cases/access';
import type { SessionUser } from '../auth/AuthService';
import type { Logger } from '../logger';

/** Thin-route toolkit: parse with a shared schema, authorize an action, map AppError to a response. */

export const SESSION_COOKIE = 'tongban_sid';

declare module 'express-serve-static-core' {
  interface Request {
    user?: SessionUser;
    sessionToken?: string;
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new AppError('VALIDATION_FAILED', {
      details: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

export function currentUser(req: Request): SessionUser {
  if (!req.user) throw new AppError('AUTH_REQUIRED');
  return req.user;
}

/**
 * The signed-in user if their role may ever do `action` (403 FORBIDDEN_ROLE otherwise), asked before
 * anything is read; the side of the case is checked by the service once it has loaded the case.
 */
export function authorize(req: Request, action: Action): SessionUser {
  const user = currentUser(req);
  assertCan(user, action);
  return user;
}

/** The `:id` path parameter (a case, a follow-up…). */
export function idParam(req: Request): string {
  return String(req.params.id);
}

/** Wraps an async handler so a thrown AppError reaches the error middleware. */
export function route(fn: (req: Request, res: Response) => unknown | Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

/** GET /cases/:id/…: what `read` shows the signed-in user of that case, as JSON (office access is `read`'s job). */
export function caseReadRoute(read: (caseId: string, user: SessionUser) => unknown): RequestHandler {
  return route((req, res) => res.json(read(idParam(req), currentUser(req))));
}

export function errorMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    void next;
    let appErr: AppError;
    if (isAppError(err)) appErr = err;
    else if (isBodyParserError(err) && err.type === 'entity.parse.failed') appErr = new AppError('MALFORMED_JSON');
    else if (isBodyParserError(err) && err.type === 'entity.too.large') appErr = new AppError('UPLOAD_TOO_LARGE');
    else {
      log.error({ err, path: req.path, method: req.method }, 'unhandled error');
      appErr = new AppError('INTERNAL');
    }
    if (appErr.status >= 500 && isAppError(err)) log.error({ code: appErr.code, path: req.path }, 'server error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(appErr.status).json(appErr.toBody());
  };
}

function isBodyParserError(e: unknown): e is { type: string } {
  return typeof e === 'object' && e !== null && typeof (e as { type?: unknown }).type === 'string';
}

/**
 * The Cookie header as name → value. Any page on this host can set a cookie here, so a value that
 * is not valid percent-encoding (`ui_zoom=100%`) is kept as it is instead of throwing; the first
 * occurrence of a name wins, as browsers send the most specific cookie first.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || Object.hasOwn(out, k)) continue;
    let v = part.slice(i + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    out[k] = safeDecode(v);
  }
  return out;
}

function safeDecode(v: string): string {
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
