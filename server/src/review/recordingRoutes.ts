import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { currentUser, parse, route } from '../api/http';

const Params = z.object({ id: z.string().min(1).max(64), recordingId: z.string().min(1).max(64) });

/** Download of a co-review recording (the session's evidence list carries the ids), for users of the case's offices. */
export function createRecordingRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/review/sessions/:id/recordings/:recordingId',
    route((req, res) => {
      const { id, recordingId } = parse(Params, req.params);
      const blob = ctx.recordings.recordingBlob(currentUser(req), id, recordingId);
      res.setHeader('content-type', blob.mediaType);
      res.setHeader('content-disposition', `attachment; filename="${blob.fileName}"`);
      res.setHeader('cache-control', 'private, max-age=3600, immutable');
      ctx.blobs.open(blob.sha256).pipe(res);
    }),
  );
  return r;
}
