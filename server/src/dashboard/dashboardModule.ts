import { Router } from 'express';
import { authorize, route } from '../api/http';
import type { Feature } from '../feature';
import { DashboardService, type DashboardDeps } from './DashboardService';

/** 监督看板 for supervisors and admins: GET /api/dashboard?days=N. */
export function createDashboardModule(deps: DashboardDeps): Feature {
  const dashboard = new DashboardService(deps);
  return {
    routes: () =>
      Router().get(
        '/dashboard',
        route((req, res) => res.json(dashboard.view(authorize(req, 'dashboard.view'), Number(req.query.days ?? 30)))),
      ),
  };
}
