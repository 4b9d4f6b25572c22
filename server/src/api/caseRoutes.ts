import { Router } from 'express';
import {
  AppError,
  CaseListQuerySchema,
  CODED_VALIDATION_MESSAGES,
  CreateCaseRequestSchema,
  DEDICATED_ACTIONS,
  isDedicatedAction,
  TransitionRequestSchema,
  type CreateCaseRequest,
} from '@tongban/shared';
import type { CaseService } from '../cases/CaseService';
import { actorOf } from '../auth/AuthService';
import { authorize, caseReadRoute, currentUser, idParam, parse, route } from './http';

export function createCaseRoutes(ctx: { cases: CaseService }): Router {
  const r = Router();

  r.get(
    '/cases',
    route((req, res) => {
      const user = currentUser(req);
      const query = parse(CaseListQuerySchema, req.query);
      res.json(ctx.cases.list(user, query));
    }),
  );

  r.post(
    '/cases',
    route((req, res) => {
      const user = authorize(req, 'case.create');
      const created = ctx.cases.create(parseCreateCase(req.body), user);
      res.status(201).json(ctx.cases.mutationResponse(created, user));
    }),
  );

  r.get(
    '/cases/:id',
    caseReadRoute((id, user) => ctx.cases.detail(id, user)),
  );

  r.post(
    '/cases/:id/transitions',
    route((req, res) => {
      const user = currentUser(req);
      const body = parse(TransitionRequestSchema, req.body);
      if (isDedicatedAction(body.action)) {
        throw new AppError('CASE_ACTION_NEEDS_ENDPOINT', { details: { action: body.action, endpoint: DEDICATED_ACTIONS[body.action] } });
      }
      const result = ctx.cases.transition(idParam(req), body.action, actorOf(user), { note: body.note, details: body.details });
      res.json(ctx.cases.mutationResponse(result.case, user));
    }),
  );
  return r;
}

/** A bad ID number or USCC gets its own code (400 ID_NUMBER_INVALID / USCC_INVALID) so the form can point at it. */
function parseCreateCase(body: unknown): CreateCaseRequest {
  const r = CreateCaseRequestSchema.safeParse(body);
  for (const issue of r.success ? [] : r.error.issues) {
    const code = CODED_VALIDATION_MESSAGES.find((c) => c === issue.message);
    if (code) throw new AppError(code, { details: { path: issue.path.join('.') } });
  }
  return parse(CreateCaseRequestSchema, body);
}
