import { Router } from 'express';
import { checkDatabase } from '../storage/database';
import type { AppContext } from '../context';
import { route } from './http';

/** Live checks only: a dead worker or an unloaded OCR engine shows here. Public, no secrets. */
export function createHealthRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/health',
    route(async (_req, res) => {
      const db = checkDatabase(ctx.db);
      const sfu = ctx.sfu ? await ctx.sfu.health() : { workers: [] };
      const ocr = ctx.ocr ? ctx.ocr.health() : { ready: false };
      const sfuOk = sfu.workers.length > 0 && sfu.workers.every((w) => w.alive);
      const status = db === 'ok' && sfuOk && ocr.ready ? 'ok' : 'degraded';
      res.status(status === 'ok' ? 200 : 503).json({
        status,
        db,
        sfu,
        ocr,
        recording: ctx.recordings.availability,
        site: ctx.config.SITE_ID,
        version: ctx.version,
        uptimeSeconds: Math.round(process.uptime()),
        memory: { rssMb: Math.round(process.memoryUsage().rss / 1048576) },
      });
    }),
  );
  return r;
}
