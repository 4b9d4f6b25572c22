import { createWorkLedgerRoutes } from '../api/workLedgerRoutes';
import type { CatalogService } from '../catalog/CatalogService';
import type { Clock } from '../clock';
import type { Feature } from '../feature';
import type { Db } from '../storage/database';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';
import { WorkLedgerService } from './WorkLedgerService';

export interface WorkLedgerDeps {
  db: Db;
  clock: Clock;
  catalog: CatalogService;
  calendar: WorkCalendarSource;
}

/** 工作台账 for supervisors; other features add their sections and CSV columns to `workLedger`. */
export interface WorkLedgerModule extends Feature {
  workLedger: WorkLedgerService;
}

export function createWorkLedgerModule(deps: WorkLedgerDeps): WorkLedgerModule {
  const workLedger = new WorkLedgerService(deps);
  return { workLedger, routes: () => createWorkLedgerRoutes({ workLedger, clock: deps.clock }) };
}
