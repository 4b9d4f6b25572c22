import { Router } from 'express';
import type { AppContext } from '../context';
import { createAuthRoutes } from './authRoutes';
import { createHealthRoutes } from './healthRoutes';

/** Every REST route under /api: health and login, then the routes of each feature module in turn. */
export function createApiRouter(ctx: AppContext): Router {
  const r = Router();
  r.use(createHealthRoutes(ctx));
  r.use(createAuthRoutes(ctx));
  for (const feature of ctx.features) r.use(feature.routes());
  return r;
}
