import { Router } from 'express';
import type { CaseService } from '../cases/CaseService';
import { caseReadRoute } from './http';

/** The case's audit trail (责任追溯), for anyone who may see the case. */
export function createAuditRoutes(ctx: { cases: CaseService }): Router {
  const r = Router();
  r.get(
    '/cases/:id/audit',
    caseReadRoute((id, user) => ctx.cases.auditTrail(id, user)),
  );
  return r;
}
