import { Router } from 'express';
import type { AuditLedger } from '../audit/AuditLedger';
import { CatalogService } from '../catalog/CatalogService';
import type { Clock, IdSource } from '../clock';
import type { Feature } from '../feature';
import type { Logger } from '../logger';
import type { Db } from '../storage/database';
import { createAuditRoutes } from '../api/auditRoutes';
import { createCaseRoutes } from '../api/caseRoutes';
import { createCatalogRoutes } from '../api/catalogRoutes';
import { attachCaseUpdates } from '../realtime/caseUpdates';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import { CaseService } from './CaseService';

export interface CasesDeps {
  db: Db;
  ledger: AuditLedger;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  calendar: WorkCalendarSource;
}

/** 事项清单 and 办件: what every other feature builds on. */
export interface CasesModule extends Feature {
  catalog: CatalogService;
  cases: CaseService;
}

export function createCasesModule(deps: CasesDeps): CasesModule {
  const catalog = new CatalogService(deps.db, deps.ledger);
  const cases = new CaseService({ ...deps, catalog });
  return {
    catalog,
    cases,
    routes: () => Router().use(createCatalogRoutes({ catalog }), createCaseRoutes({ cases }), createAuditRoutes({ cases })),
    realtime: (io) => attachCaseUpdates({ cases, log: deps.log }, io),
  };
}
