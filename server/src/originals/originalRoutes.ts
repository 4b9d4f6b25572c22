import { Router, type Request } from 'express';
import { OriginalCheckRequestSchema, WithdrawOriginalCheckSchema } from '@tongban/shared/cases/originalCheck';
import { authorize, idParam, parse, route } from '../api/http';
import { sendStoredBytes } from '../materials/sendStoredFile';
import type { OriginalCheckService } from './OriginalCheckService';

const materialParam = (req: Request) => String(req.params.materialId);

/** 已核验原件 of one scan: record it, withdraw it with a reason, print the certified copy. */
export function createOriginalRoutes(originals: OriginalCheckService): Router {
  const r = Router();
  r.post(
    '/cases/:id/materials/:materialId/original-check',
    route((req, res) => {
      const user = authorize(req, 'materials.checkOriginal');
      const body = parse(OriginalCheckRequestSchema, req.body);
      res.status(201).json({ material: originals.record(idParam(req), materialParam(req), user, body) });
    }),
  );
  r.post(
    '/cases/:id/materials/:materialId/original-check/withdrawal',
    route((req, res) => {
      const user = authorize(req, 'materials.checkOriginal');
      const body = parse(WithdrawOriginalCheckSchema, req.body);
      res.json({ material: originals.withdraw(idParam(req), materialParam(req), user, body) });
    }),
  );
  r.get(
    '/cases/:id/materials/:materialId/certified.pdf',
    route(async (req, res) => {
      const { fileName, pdf } = await originals.certifiedCopy(idParam(req), materialParam(req), authorize(req, 'case.fullIdentity'));
      sendStoredBytes(res, pdf, { fileName });
    }),
  );
  return r;
}
