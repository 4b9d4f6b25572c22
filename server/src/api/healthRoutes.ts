import { Router } from 'express';
import type { CallModule } from '../call/callModule';
import type { Config } from '../config/config';
import type { MaterialRecogniser } from '../precheck/recognizeMaterial';
import type { ReviewRecordingService } from '../review/recordingService';
import { checkDatabase, type Db } from '../storage/database';
import { route } from './http';
import type { WorkCalendarSource } from '../calendar/WorkCalendarService';

export interface HealthDeps {
  db: Db;
  call: Pick<CallModule, 'sfu'>;
  ocr?: Pick<MaterialRecogniser, 'health'>;
  recordings: Pick<ReviewRecordingService, 'availability'>;
  config: Pick<Config, 'SITE_ID'>;
  calendar: Pick<WorkCalendarSource, 'firstUncoveredYear'>;
  version: string;
}

/** Live checks only: a dead worker or an unloaded OCR engine shows here. Public, no secrets. */
export function createHealthRoutes(ctx: HealthDeps): Router {
  const r = Router();
  r.get(
    '/health',
    route(async (_req, res) => {
      const db = checkDatabase(ctx.db);
      const sfu = await ctx.call.sfu.health();
      const ocr = ctx.ocr ? ctx.ocr.health() : { ready: false };
      const sfuOk = sfu.workers.length > 0 && sfu.workers.every((w) => w.alive);
      const status = db === 'ok' && sfuOk && ocr.ready ? 'ok' : 'degraded';
      res.status(status === 'ok' ? 200 : 503).json({
        status,
        db,
        sfu,
        ocr,
        recording: ctx.recordings.availability,
        calendar: calendarHealth(ctx.calendar.firstUncoveredYear()),
        site: ctx.config.SITE_ID,
        version: ctx.version,
        uptimeSeconds: Math.round(process.uptime()),
        memory: { rssMb: Math.round(process.memoryUsage().rss / 1048576) },
      });
    }),
  );
  return r;
}

/** Deadlines into a year without holiday data count weekends only: an admin must enter that year. */
function calendarHealth(uncoveredYear: number | undefined) {
  if (uncoveredYear === undefined) return { complete: true };
  return {
    complete: false,
    uncoveredYear,
    warning: `日历缺少 ${uncoveredYear} 年的节假日与调休数据，请管理员在“节假日日历”中录入`,
  };
}
