import { Router } from 'express';
import { route } from '../api/http';
import { COREVIEW_PATHS } from './coReviewMessages';
import type { IncomingCoReviews } from './incomingCoReviews';

/** The router's own path of a signed path (the signature covers the whole path, /api included). */
const underApi = (p: string) => p.replace(/^\/api/, '');

/** Site to site: signed co-review messages from a peer's intake site (no session; the signature is the credential). */
export function createFederationRoutes(incoming: IncomingCoReviews): Router {
  const r = Router();
  r.post(
    underApi(COREVIEW_PATHS.request),
    route(async (req, res) => res.json(await incoming.receiveRequest(req.headers, req))),
  );
  r.post(
    underApi(COREVIEW_PATHS.withdrawal),
    route(async (req, res) => res.json(await incoming.receiveWithdrawal(req.headers, req))),
  );
  return r;
}
