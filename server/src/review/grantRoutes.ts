import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '@tongban/shared';
import { CheckStepRequestSchema, ConsentRequestSchema } from '@tongban/shared/review/checklist';
import { GRANT_API, GRANT_AUTH_SCHEME } from '@tongban/shared/review/grantAccess';
import { SnapshotLabelSchema } from '@tongban/shared/review/session';
import { parse, route } from '../api/http';
import { sendStoredBytes, sendStoredStream } from '../materials/sendStoredFile';
import { ID_PHOTO_HEADERS, sendIdPhoto } from '../precheck/idPhotoCrop';
import { JOIN_GRANTS_PATH, type JoinGrantService } from './joinGrants';
import type { ReviewSessionService } from './ReviewSessionService';

const PageParams = z.object({ mid: z.string().min(1), n: z.coerce.number().int().min(1).max(10_000) });
const snapshotBody = express.raw({ type: ['image/jpeg', 'image/png'], limit: '15mb' });
const underApi = (p: string) => p.replace(/^\/api/, '');
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
      res.setHeader('Access-Control-Expose-Headers', ['Content-Disposition', ...ID_PHOTO_HEADERS].join(', '));
    }
    res.vary('Origin');
    if (req.method !== 'OPTIONS') return next();
    if (origin && peerOrigins.has(origin)) {
      // Reads send only the grant; the session's checks also send their body's type (JSON, an image).
      const post = req.headers['access-control-request-method'] === 'POST';
      res.setHeader('Access-Control-Allow-Methods', post ? 'POST' : 'GET');
      res.setHeader('Access-Control-Allow-Headers', post ? 'Authorization, Content-Type' : 'Authorization');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

/**
 * The join grant's routes at the intake site: the handling site's signed request for one (no
 * session), and what its reviewer's browser does with one while its session is live — reads the
 * shared materials of that case, and records consent, liveness, checks and snapshots of that
 * session with the same service methods and schemas as the cookie routes (reviewRoutes.ts).
 */
export function createGrantRoutes(
  grants: JoinGrantService,
  review: Pick<ReviewSessionService, 'getForPeer' | 'recordConsent' | 'issueLivenessPrompt' | 'recordCheck' | 'addSnapshot'>,
  peerOrigins: ReadonlySet<string>,
): Router {
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
    underApi(GRANT_API.idPhoto),
    route(async (req, res) => sendIdPhoto(res, await grants.idPhoto(grantOf(req)))),
  );
  r.get(
    '/sites/grant/materials/:mid/content',
    route((req, res) => {
      const { material, stream } = grants.content(grantOf(req), String(req.params.mid));
      return sendStoredStream(res, stream, { fileName: material.fileName, size: material.size });
    }),
  );

  // The grant is for one session: it names the session, the path does not.
  const peer = (req: Request) => grants.peerFor(grantOf(req));
  r.get(
    underApi(GRANT_API.session),
    route((req, res) => {
      const who = peer(req);
      res.json(review.getForPeer(who, who.sessionId));
    }),
  );
  r.post(
    underApi(GRANT_API.consent),
    route((req, res) => {
      const who = peer(req);
      res.json(review.recordConsent(who, who.sessionId, parse(ConsentRequestSchema, req.body)));
    }),
  );
  r.post(
    underApi(GRANT_API.liveness),
    route((req, res) => {
      const who = peer(req);
      res.status(201).json(review.issueLivenessPrompt(who, who.sessionId));
    }),
  );
  r.post(
    underApi(GRANT_API.checks),
    route((req, res) => {
      const who = peer(req);
      res.json(review.recordCheck(who, who.sessionId, parse(CheckStepRequestSchema, req.body)));
    }),
  );
  r.post(
    underApi(GRANT_API.snapshots),
    snapshotBody,
    route(async (req, res) => {
      const who = peer(req);
      const label = parse(SnapshotLabelSchema, req.query['label']);
      const image = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.status(201).json(await review.addSnapshot(who, who.sessionId, image, label));
    }),
  );
  return r;
}
