import { Router } from 'express';
import { LegalHoldRequestSchema } from '@tongban/shared/retention/retention';
import { authorize, idParam, parse, route } from '../api/http';
import type { Feature } from '../feature';
import { periodicJob } from '../periodicJob';
import { RetentionService, type RetentionDeps } from './RetentionService';

export interface RetentionModuleDeps extends RetentionDeps {
  sweepMinutes: number;
}

/** 保存期限 and 诉讼保全: features register their evidence with `retention`; a timer deletes what is due. */
export interface RetentionModule extends Feature {
  retention: RetentionService;
}

export function createRetentionModule({ sweepMinutes, ...deps }: RetentionModuleDeps): RetentionModule {
  const retention = new RetentionService(deps);
  const sweep = periodicJob(deps.log, 'retention: sweep', sweepMinutes, () => retention.sweep());
  return {
    retention,
    recoverInterrupted: () => sweep.start(),
    close: () => sweep.stop(),
    routes: () => {
      const r = Router();
      r.get(
        '/cases/:id/retention',
        route((req, res) => res.json(retention.view(idParam(req), authorize(req, 'case.view')))),
      );
      r.post(
        '/cases/:id/retention/hold',
        route((req, res) =>
          res.json(retention.setHold(idParam(req), authorize(req, 'retention.hold'), parse(LegalHoldRequestSchema, req.body))),
        ),
      );
      r.post(
        '/cases/:id/retention/release',
        route((req, res) =>
          res.json(retention.releaseHold(idParam(req), authorize(req, 'retention.hold'), parse(LegalHoldRequestSchema, req.body))),
        ),
      );
      return r;
    },
  };
}
