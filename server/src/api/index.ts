import { Router } from 'express';
import type { AppContext } from '../context';
import { createAuthRoutes } from './authRoutes';
import { createHealthRoutes } from './healthRoutes';

/** Every REST route under /api. Each feature module contributes one router. */
export function createApiRouter(ctx: AppContext): Router {
  const r = Router();
  r.use(createHealthRoutes(ctx));
  r.use(createAuthRoutes(ctx));
  return r;
}
