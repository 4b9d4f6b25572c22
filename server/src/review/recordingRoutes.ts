import { Router } from 'express';
import { z } from 'zod';
import { currentUser, parse, route } from '../api/http';
import { sendStoredStream } from '../materials/sendStoredFile';
import type { ReviewRecordingService } from './recordingService';

const Params = z.object({ id: z.string().min(1).max(64), recordingId: z.string().min(1).max(64) });

/** Download of a co-review recording (the session's evidence list carries the ids), for users of the case's offices; audited. */
export function createRecordingRoutes(ctx: { recordings: ReviewRecordingService }): Router {
  const r = Router();
  r.get(
    '/review/sessions/:id/recordings/:recordingId',
    route((req, res) => {
      const { id, recordingId } = parse(Params, req.params);
      const { fileName, size, stream } = ctx.recordings.openRecording(currentUser(req), id, recordingId);
      // Not cached (the default): every download is an audit event, so the browser must ask again.
      return sendStoredStream(res, stream, { fileName, size });
    }),
  );
  return r;
}
