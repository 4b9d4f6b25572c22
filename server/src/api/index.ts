import { Router } from 'express';
import type { AppContext } from '../context';
import { createAuthRoutes } from './authRoutes';
import { createHealthRoutes } from './healthRoutes';
import { createCatalogRoutes } from './catalogRoutes';
import { createCaseRoutes } from './caseRoutes';
import { createMaterialRoutes } from './materialRoutes';
import { createAuditRoutes } from './auditRoutes';
import { createWorkLedgerRoutes } from './workLedgerRoutes';
import { createReviewRoutes } from '../review/reviewRoutes';
import { createRecordingRoutes } from '../review/recordingRoutes';
import { createPrecheckRoutes } from '../precheck/precheckRoutes';
import { createHandoffRoutes } from '../handoff/handoffRoutes';

/** Every REST route under /api. Each feature module contributes one router. */
export function createApiRouter(ctx: AppContext): Router {
  const r = Router();
  r.use(createHealthRoutes(ctx));
  r.use(createAuthRoutes(ctx));
  r.use(createCatalogRoutes(ctx));
  r.use(createCaseRoutes(ctx));
  r.use(createMaterialRoutes(ctx));
  r.use(createAuditRoutes(ctx));
  r.use(createWorkLedgerRoutes(ctx));
  r.use(createReviewRoutes(ctx));
  r.use(createRecordingRoutes(ctx));
  r.use(createPrecheckRoutes(ctx));
  r.use(createHandoffRoutes(ctx));
  return r;
}
