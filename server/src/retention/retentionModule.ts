import { Router } from 'express';
import { LegalHoldRequestSchema } from '@tongban/shared/retention/retention';
import { authorize, idParam, parse, route } from '../api/http';
import type { Feature } from '../feature';
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
  let running: Promise<unknown> | undefined;
  const sweep = () => {
    running ??= retention
      .sweep()
      .catch((err: unknown) => deps.log.error({ err }, 'retention: sweep failed'))
      .finally(() => (running = undefined));
  };
  // Started by the first request-serving start (recoverInterrupted), never by a CLI command.
  let timer: NodeJS.Timeout | undefined;
  return {
    retention,
    recoverInterrupted: () => {
      timer = setInterval(sweep, sweepMinutes * 60_000);
      timer.unref();
      sweep();
    },
    close: async () => {
      clearInterval(timer);
      await running;
    },
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
