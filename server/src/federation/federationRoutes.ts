import { Router, type Request } from 'express';
import { z } from 'zod';
import { DecisionRequestSchema } from '@tongban/shared/review/session';
import { authorize, parse, route } from '../api/http';
import { COREVIEW_PATHS } from './coReviewMessages';
import type { IncomingCoReviews } from './incomingCoReviews';
import type { IncomingDecisions } from './incomingDecisions';
import type { RemoteCoReviews } from './remoteCoReviews';

const SessionParams = z.object({ sessionId: z.string().min(1).max(64) });

/** The router's own path of a signed path (the signature covers the whole path, /api included). */
const underApi = (p: string) => p.replace(/^\/api/, '');

/**
 * Site to site: signed co-review messages from a peer (no session; the signature is the
 * credential). And this site's reviewer on a peer's request: accept it, decide it (login cookie).
 */
export function createFederationRoutes(incoming: IncomingCoReviews, decisions: IncomingDecisions, remote: RemoteCoReviews): Router {
  const r = Router();
  const sid = (req: Request) => parse(SessionParams, req.params).sessionId;
  r.post(
    underApi(COREVIEW_PATHS.request),
    route(async (req, res) => res.json(await incoming.receiveRequest(req.headers, req))),
  );
  r.post(
    underApi(COREVIEW_PATHS.withdrawal),
    route(async (req, res) => res.json(await incoming.receiveWithdrawal(req.headers, req))),
  );
  r.post(
    underApi(COREVIEW_PATHS.decision),
    route(async (req, res) => res.json(await decisions.receive(req.headers, req))),
  );
  r.post(
    '/review/remote/:sessionId/accept',
    route(async (req, res) => res.json(await remote.accept(authorize(req, 'review.accept'), sid(req)))),
  );
  r.post(
    '/review/remote/:sessionId/decision',
    route(async (req, res) =>
      res.json(await remote.decide(authorize(req, 'review.decide'), sid(req), parse(DecisionRequestSchema, req.body))),
    ),
  );
  return r;
}
