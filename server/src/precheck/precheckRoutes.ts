import { Router } from 'express';
import { z } from 'zod';
import { CorrectionRequestSchema, OverrideRequestSchema, RunPrecheckRequestSchema } from '@tongban/shared/precheck/api';
import type { AppContext } from '../context';
import { caseReadRoute, currentUser, idParam, parse, requireRole, route } from '../api/http';
import { idPhotoCrop } from './idPhotoCrop';

const CompleteSchema = z.object({ note: z.string().trim().max(2000).optional() }).default({});
const PageParams = z.object({ id: z.string().min(1), mid: z.string().min(1), n: z.coerce.number().int().min(1).max(10_000) });

/** /api/cases/:id/precheck…, the page images the pre-check boxes refer to, and the ID photo it found. */
export function createPrecheckRoutes(ctx: AppContext): Router {
  const r = Router();
  const clerkRoles = ['clerk', 'supervisor'] as const;

  r.get(
    '/cases/:id/precheck',
    caseReadRoute((id, user) => ctx.precheck.forUser(id, user)),
  );
  r.post(
    '/cases/:id/precheck',
    route((req, res) => {
      const user = requireRole(req, ...clerkRoles);
      const body = parse(RunPrecheckRequestSchema, req.body ?? {});
      res.status(202).json(ctx.precheck.run(idParam(req), user, body.materialId));
    }),
  );
  r.post(
    '/cases/:id/precheck/corrections',
    route((req, res) => {
      const user = requireRole(req, ...clerkRoles);
      res.json(ctx.precheck.correct(idParam(req), user, parse(CorrectionRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/precheck/overrides',
    route((req, res) => {
      const user = requireRole(req, ...clerkRoles);
      res.json(ctx.precheck.override(idParam(req), user, parse(OverrideRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/precheck/complete',
    route((req, res) => {
      const user = requireRole(req, ...clerkRoles);
      res.json(ctx.precheck.complete(idParam(req), user, parse(CompleteSchema, req.body ?? {}).note));
    }),
  );
  r.get(
    /^\/cases\/([^/]+)\/materials\/([^/]+)\/pages\/(\d+)\.png$/,
    route(async (req, res) => {
      const p = parse(PageParams, { id: req.params[0], mid: req.params[1], n: req.params[2] });
      const png = await ctx.precheck.pageImage(p.id, p.mid, p.n, currentUser(req));
      res.setHeader('Cache-Control', 'private, max-age=60');
      res.type('image/png').send(png);
    }),
  );
  r.get(
    '/cases/:id/id-photo.png',
    route(async (req, res) => {
      const crop = await idPhotoCrop(ctx, idParam(req), currentUser(req));
      res.setHeader('Cache-Control', 'private, no-cache');
      // Whether the box came from the photo's edges or only from the card layout, for the reviewer.
      res.setHeader('X-Id-Photo-Source', crop.photo.source);
      res.setHeader('X-Id-Photo-Confidence', String(crop.photo.confidence));
      res.type('image/png').send(crop.png);
    }),
  );
  return r;
}
