import { Router } from 'express';
import type { AppContext } from '../context';
import { currentUser, route } from './http';

/** The case's audit trail (责任追溯), for anyone who may see the case. */
export function createAuditRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/cases/:id/audit',
    route((req, res) => {
      res.json({ events: ctx.cases.auditTrail(String(req.params.id), currentUser(req)) });
    }),
  );
  return r;
}
