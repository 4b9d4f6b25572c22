import { Router } from 'express';
import { z } from 'zod';
import { canSeeFullIdentity } from '@tongban/shared/cases/access';
import { CorrectionRequestSchema, OverrideRequestSchema, RunPrecheckRequestSchema } from '@tongban/shared/precheck/api';
import { freeText } from '@tongban/shared/schemas/text';
import { authorize, caseReadRoute, currentUser, idParam, parse, route } from '../api/http';
import { maskPrecheckIdentity } from '../cases/maskDetails';
import { sendStoredBytes } from '../materials/sendStoredFile';
import { idPhotoCrop, sendIdPhoto, type IdPhotoDeps } from './idPhotoCrop';

const CompleteSchema = z.object({ note: freeText(2000, { lines: 'multi' }).optional() }).default({});
const PageParams = z.object({ id: z.string().min(1), mid: z.string().min(1), n: z.coerce.number().int().min(1).max(10_000) });

/** /api/cases/:id/precheck…, the page images the pre-check boxes refer to, and the ID photo it found. */
export function createPrecheckRoutes(ctx: IdPhotoDeps): Router {
  const r = Router();

  r.get(
    '/cases/:id/precheck',
    caseReadRoute((id, user) => {
      const view = ctx.precheck.forUser(id, user);
      // What OCR read off the ID card is identity: in full only to the case's participants.
      return canSeeFullIdentity(user, ctx.cases.get(id)) ? view : maskPrecheckIdentity(view);
    }),
  );
  r.post(
    '/cases/:id/precheck',
    route((req, res) => {
      const user = authorize(req, 'precheck.edit');
      const body = parse(RunPrecheckRequestSchema, req.body ?? {});
      res.status(202).json(ctx.precheck.run(idParam(req), user, body.materialId));
    }),
  );
  r.post(
    '/cases/:id/precheck/corrections',
    route((req, res) => {
      const user = authorize(req, 'precheck.edit');
      res.json(ctx.precheck.correct(idParam(req), user, parse(CorrectionRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/precheck/overrides',
    route((req, res) => {
      const user = authorize(req, 'precheck.edit');
      res.json(ctx.precheck.override(idParam(req), user, parse(OverrideRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/precheck/complete',
    route((req, res) => {
      const user = authorize(req, 'precheck.edit');
      res.json(ctx.precheck.complete(idParam(req), user, parse(CompleteSchema, req.body ?? {}).note));
    }),
  );
  r.get(
    /^\/cases\/([^/]+)\/materials\/([^/]+)\/pages\/(\d+)\.png$/,
    route(async (req, res) => {
      const p = parse(PageParams, { id: req.params[0], mid: req.params[1], n: req.params[2] });
      const png = await ctx.precheck.pageImage(p.id, p.mid, p.n, currentUser(req));
      sendStoredBytes(res, png, { fileName: `page-${p.n}.png`, cacheControl: 'private, max-age=60' });
    }),
  );
  r.get(
    '/cases/:id/id-photo.png',
    route(async (req, res) => {
      sendIdPhoto(res, await idPhotoCrop(ctx, idParam(req), currentUser(req)));
    }),
  );
  return r;
}
