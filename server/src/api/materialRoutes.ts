import { Router } from 'express';
import { UploadMaterialQuerySchema } from '@tongban/shared';
import type { MaterialService } from '../materials/MaterialService';
import { receiveSingleFile } from '../materials/multipart';
import { sendStoredStream } from '../materials/sendStoredFile';
import { authorize, currentUser, idParam, parse, route } from './http';

export function createMaterialRoutes(ctx: { materials: MaterialService }): Router {
  const r = Router();

  /**
   * multipart/form-data with the scan in field `file`, streamed to the blob store;
   * `?source=camera|scanner|upload`; `?replaces=<material id>` replaces that scan of the slot.
   */
  r.post(
    '/cases/:id/materials/:slotCode',
    route(async (req, res) => {
      const user = authorize(req, 'materials.upload');
      const { source, replaces } = parse(UploadMaterialQuerySchema, req.query);
      const result = await receiveSingleFile(req, 'file', (file) =>
        ctx.materials.upload(idParam(req), String(req.params.slotCode), user, { ...file, source }, replaces),
      );
      res.status(result.deduplicated ? 200 : 201).json(result);
    }),
  );

  r.get(
    '/cases/:id/materials/:mid/content',
    route((req, res) => {
      const { material, stream } = ctx.materials.openContent(idParam(req), String(req.params.mid), currentUser(req));
      // Not cached (the default), so each view by a reviewer reaches the server and is audited.
      return sendStoredStream(res, stream, { fileName: material.fileName, size: material.size, headers: { ETag: `"${material.sha256}"` } });
    }),
  );

  r.delete(
    '/cases/:id/materials/:mid',
    route((req, res) => {
      const user = authorize(req, 'materials.delete');
      ctx.materials.delete(idParam(req), String(req.params.mid), user);
      res.json({ ok: true });
    }),
  );
  return r;
}
