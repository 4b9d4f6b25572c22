import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { currentUser, parse, route } from '../api/http';

const Params = z.object({ id: z.string().min(1).max(64), recordingId: z.string().min(1).max(64) });

/** Download of a co-review recording (the session's evidence list carries the ids), for users of the case's offices; audited. */
export function createRecordingRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/review/sessions/:id/recordings/:recordingId',
    route((req, res) => {
      const { id, recordingId } = parse(Params, req.params);
      const { mediaType, fileName, size, stream } = ctx.recordings.openRecording(currentUser(req), id, recordingId);
      res.setHeader('content-type', mediaType);
      res.setHeader('content-length', String(size));
      res.setHeader('content-disposition', `attachment; filename="${fileName}"`);
      // Not cached: every download is an audit event, so the browser must ask again.
      res.setHeader('cache-control', 'private, no-store');
      stream.on('error', (err) => res.destroy(err));
      stream.pipe(res);
    }),
  );
  return r;
}
