import { Router } from 'express';
import { UploadMaterialQuerySchema } from '@tongban/shared';
import type { AppContext } from '../context';
import { receiveSingleFile } from '../materials/multipart';
import { currentUser, idParam, parse, requireRole, route } from './http';

export function createMaterialRoutes(ctx: AppContext): Router {
  const r = Router();

  /** multipart/form-data with the scan in field `file`, streamed to the blob store; `?source=camera|scanner|upload`. */
  r.post(
    '/cases/:id/materials/:slotCode',
    route(async (req, res) => {
      const user = requireRole(req, 'clerk', 'supervisor');
      const { source } = parse(UploadMaterialQuerySchema, req.query);
      const result = await receiveSingleFile(req, 'file', (file) =>
        ctx.materials.upload(idParam(req), String(req.params.slotCode), user, { ...file, source }),
      );
      res.status(result.deduplicated ? 200 : 201).json(result);
    }),
  );

  r.get(
    '/cases/:id/materials/:mid/content',
    route((req, res) => {
      const { material, stream } = ctx.materials.openContent(idParam(req), String(req.params.mid), currentUser(req));
      res.setHeader('Content-Type', material.mediaType);
      res.setHeader('Content-Length', String(material.size));
      res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(material.fileName)}`);
      // Not cached, so each view by a reviewer reaches the server and is audited.
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('ETag', `"${material.sha256}"`);
      stream.on('error', (err) => res.destroy(err));
      stream.pipe(res);
    }),
  );

  r.delete(
    '/cases/:id/materials/:mid',
    route((req, res) => {
      const user = requireRole(req, 'clerk', 'supervisor');
      ctx.materials.delete(idParam(req), String(req.params.mid), user);
      res.json({ ok: true });
    }),
  );
  return r;
}
