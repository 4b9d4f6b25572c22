import { Router } from 'express';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import type { Clock } from '../clock';
import type { WorkLedgerService } from '../workLedger/WorkLedgerService';
import { authorize, route } from './http';

/** 工作台账: supervisors (their office) and admins (all offices). */
export function createWorkLedgerRoutes(ctx: { workLedger: WorkLedgerService; clock: Clock }): Router {
  const r = Router();
  r.get(
    '/ledger',
    route((req, res) => {
      res.json(ctx.workLedger.summary(authorize(req, 'ledger.view')));
    }),
  );
  r.get(
    '/ledger.csv',
    route((req, res) => {
      const csv = ctx.workLedger.csv(authorize(req, 'ledger.view'));
      const day = chinaDate(ctx.clock.now());
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        `attachment; filename="work-ledger-${day}.csv"; filename*=UTF-8''${encodeURIComponent(`工作台账-${day}.csv`)}`,
      );
      res.setHeader('Cache-Control', 'private, no-store');
      res.send(csv);
    }),
  );
  return r;
}
