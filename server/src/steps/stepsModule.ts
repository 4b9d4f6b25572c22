import { Router } from 'express';
import { z } from 'zod';
import { NOTIFICATION_EVENT } from '@tongban/shared/notifications/notifications';
import { ItemStepsRequestSchema } from '@tongban/shared/cases/steps';
import { actorOf } from '../auth/AuthService';
import { authorize, currentUser, idParam, parse, route } from '../api/http';
import type { Feature, SiteServices } from '../feature';
import { periodicJob } from '../periodicJob';
import { NotificationService } from '../notifications/NotificationService';
import { userRoom } from '../realtime/rooms';
import type { WorkLedgerService } from '../workLedger/WorkLedgerService';
import { StepService, type StepDeps } from './StepService';

export interface StepsModuleDeps extends Omit<StepDeps, 'notifications'>, Pick<SiteServices, 'ids'> {
  workLedger: Pick<WorkLedgerService, 'addSection'>;
  sweepMinutes: number;
}

/** 环节时限 and the bell: each case's step table, the ledger's 超时环节, reminders before a step is due. */
export interface StepsModule extends Feature {
  steps: StepService;
  notifications: NotificationService;
}

const MarkReadSchema = z.strictObject({ id: z.string().min(1).max(64).optional() });

export function createStepsModule({ workLedger, sweepMinutes, ids, ...deps }: StepsModuleDeps): StepsModule {
  const notifications = new NotificationService({ db: deps.db, clock: deps.clock, ids });
  const steps = new StepService({ ...deps, notifications });
  workLedger.addSection('steps', (rows) => steps.ledgerSection(rows));
  // Started by the request-serving start (recoverInterrupted), never by a CLI command.
  const sweep = periodicJob(deps.log, 'steps: reminder check', sweepMinutes, () => steps.sweep());
  return {
    steps,
    notifications,
    recoverInterrupted: () => sweep.start(),
    close: () => sweep.stop(),
    realtime: (io) => {
      notifications.on('created', ({ userId, ...view }) => io.to(userRoom(userId)).emit(NOTIFICATION_EVENT, view));
    },
    routes: () => {
      const r = Router();
      r.get(
        '/cases/:id/steps',
        route((req, res) => res.json(steps.forCase(idParam(req), authorize(req, 'case.view')))),
      );
      r.get(
        '/catalog/items/:code/steps',
        route((req, res) => {
          currentUser(req);
          res.json(steps.itemSteps(String(req.params.code)));
        }),
      );
      r.put(
        '/catalog/items/:code/steps',
        route((req, res) => {
          const user = authorize(req, 'catalog.editSteps');
          const code = String(req.params.code);
          steps.setItemSteps(code, parse(ItemStepsRequestSchema, req.body).steps, actorOf(user));
          res.json(steps.itemSteps(code));
        }),
      );
      r.get(
        '/notifications',
        route((req, res) => res.json(notifications.list(currentUser(req)))),
      );
      r.post(
        '/notifications/read',
        route((req, res) => {
          const user = currentUser(req);
          res.json(notifications.markRead(user, parse(MarkReadSchema, req.body ?? {}).id));
        }),
      );
      return r;
    },
  };
}
