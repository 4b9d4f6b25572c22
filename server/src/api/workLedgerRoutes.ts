import { Router } from 'express';
import type { AppContext } from '../context';
import { requireRole, route } from './http';

/** 工作台账: supervisors (their office) and admins (all offices). */
export function createWorkLedgerRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/ledger',
    route((req, res) => {
      res.json(ctx.workLedger.summary(requireRole(req, 'supervisor', 'admin')));
    }),
  );
  r.get(
    '/ledger.csv',
    route((req, res) => {
      const csv = ctx.workLedger.csv(requireRole(req, 'supervisor', 'admin'));
      const day = ctx.clock.now().toISOString().slice(0, 10);
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
