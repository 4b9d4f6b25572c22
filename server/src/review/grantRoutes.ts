import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '@tongban/shared';
import { GRANT_AUTH_SCHEME } from '@tongban/shared/review/grantAccess';
import { parse, route } from '../api/http';
import { sendStoredBytes, sendStoredStream } from '../materials/sendStoredFile';
import { JOIN_GRANTS_PATH, type JoinGrantService } from './joinGrants';

const PageParams = z.object({ mid: z.string().min(1), n: z.coerce.number().int().min(1).max(10_000) });
const GRANT_HEADER = new RegExp(`^${GRANT_AUTH_SCHEME} ([A-Za-z0-9_-]{22,128})$`);

/** The grant a request carries as `Authorization: Grant <id>` (a header, so it stays out of URLs, logs and Referer). */
function grantOf(req: Request): string {
  const m = GRANT_HEADER.exec(req.headers.authorization ?? '');
  if (!m) throw new AppError('GRANT_UNKNOWN');
  return m[1]!;
}

/**
 * CORS for the peer sites' pages only (an explicit list, never `*`) and without credentials: the
 * grant is the only credential, so this site's login cookie never opens these reads.
 */
function peerCors(peerOrigins: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && peerOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Content-Disposition');
    }
    res.vary('Origin');
    if (req.method !== 'OPTIONS') return next();
    if (origin && peerOrigins.has(origin)) {
      res.setHeader('Access-Control-Allow-Methods', 'GET');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

/**
 * The join grant's routes at the intake site: the handling site's signed request for one (no
 * session), and the reads its reviewer's browser makes with one — the shared materials of that
 * case, while its session is live.
 */
export function createGrantRoutes(grants: JoinGrantService, peerOrigins: ReadonlySet<string>): Router {
  const r = Router();
  r.post(
    JOIN_GRANTS_PATH.replace(/^\/api/, ''),
    route(async (req, res) => res.status(201).json(await grants.issue(req.headers, req))),
  );

  r.use('/sites/grant', peerCors(peerOrigins));
  r.get(
    '/sites/grant/case',
    route((req, res) => res.json(grants.caseView(grantOf(req)))),
  );
  r.get(
    /^\/sites\/grant\/materials\/([^/]+)\/pages\/(\d+)\.png$/,
    route(async (req, res) => {
      const p = parse(PageParams, { mid: req.params[0], n: req.params[1] });
      const png = await grants.pageImage(grantOf(req), p.mid, p.n);
      sendStoredBytes(res, png, { fileName: `page-${p.n}.png` });
    }),
  );
  r.get(
    '/sites/grant/materials/:mid/content',
    route((req, res) => {
      const { material, stream } = grants.content(grantOf(req), String(req.params.mid));
      return sendStoredStream(res, stream, { fileName: material.fileName, size: material.size });
    }),
  );
  return r;
}
