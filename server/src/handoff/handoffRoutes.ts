import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '@tongban/shared';
import {
  CourierHandoffRequestSchema,
  FollowUpCloseSchema,
  RatingRequestSchema,
  ResultRequestSchema,
  TransferRequestSchema,
  parseHandoffQr,
} from '@tongban/shared/handoff/schemas';
import { ReceivingLookupSchema } from '@tongban/shared/handoff/receiving';
import {
  FollowUpCallbackSchema,
  RatingAppealDecisionSchema,
  RatingAppealSchema,
  RatingAppendSchema,
} from '@tongban/shared/handoff/ratingRules';
import { authorize, caseReadRoute, currentUser, idParam, parse, route } from '../api/http';
import { receiveSingleFile } from '../materials/multipart';
import { sendStoredBytes, sendStoredStream } from '../materials/sendStoredFile';
import type { BlobStore } from '../storage/BlobStore';
import type { HandoffService } from './HandoffService';
import type { RatingService } from './RatingService';
import type { ReceivedEvidenceService } from './receivedEvidence';
import type { ReceivingService } from './ReceivingService';
import type { ResultService } from './ResultService';
import type { SiteKeyring } from './siteKeys';
import type { TransferService } from './TransferService';

const LookupQuerySchema = z.object({ qr: z.string().min(1).max(300) });

/** The handoff module's services the routes call. */
export interface HandoffRouteDeps {
  keys: SiteKeyring;
  bags: HandoffService;
  transfers: TransferService;
  results: ResultService;
  ratings: RatingService;
  received: ReceivedEvidenceService;
  receiving: ReceivingService;
}

/** REST routes of the handoff feature; /transfers are site-to-site (signed, no session). */
export function createHandoffRoutes(h: HandoffRouteDeps, blobs: BlobStore): Router {
  const r = Router();

  r.get(
    '/cases/:id/handoff',
    caseReadRoute((id, user) => h.bags.status(id, user)),
  );
  r.post(
    '/cases/:id/handoff/courier',
    route(async (req, res) => {
      const user = authorize(req, 'handoff.send');
      res.json(await h.bags.handOffByCourier(idParam(req), user, parse(CourierHandoffRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/handoff/transfer',
    route(async (req, res) => {
      const user = authorize(req, 'handoff.send');
      res.json(await h.transfers.push(idParam(req), user, parse(TransferRequestSchema, req.body ?? {})));
    }),
  );
  r.get(
    '/cases/:id/handoff/bag.zip',
    route((req, res) => {
      const { c, bag } = h.bags.requireBag(idParam(req), currentUser(req));
      if (bag.purged_at) throw new AppError('RETENTION_PURGED', { details: { caseId: c.id, sha256: bag.bag_sha256 } });
      return sendStoredStream(res, blobs.open(bag.bag_sha256), { fileName: `${c.caseNo}.zip`, size: bag.bag_size });
    }),
  );
  r.get(
    '/cases/:id/handoff/cover.pdf',
    route(async (req, res) => {
      const { caseNo, pdf } = await h.bags.coverSheet(idParam(req), currentUser(req));
      sendStoredBytes(res, pdf, { fileName: `cover-${caseNo}.pdf` });
    }),
  );
  r.get(
    '/handoff/lookup',
    route((req, res) => {
      const user = currentUser(req);
      const qr = parseHandoffQr(parse(LookupQuerySchema, req.query).qr);
      if (!qr)
        throw new AppError('VALIDATION_FAILED', {
          details: { qr: 'not a handoff cover sheet QR code' },
          zh: '这不是交接单二维码',
          en: 'This is not a cover sheet QR code',
        });
      res.json({ ...qr, ...h.bags.lookup(qr.caseNo, qr.tagmanifestSha256, user) });
    }),
  );
  // 收件签收 at the handling office, and the window's 登记原件寄出.
  r.get(
    '/handoff/receiving',
    route((req, res) => {
      const user = authorize(req, 'handoff.receive');
      res.json(h.receiving.lookup(parse(ReceivingLookupSchema, req.query).code, user));
    }),
  );
  r.post(
    '/cases/:id/handoff/envelope/received',
    route((req, res) => {
      const user = authorize(req, 'handoff.receive');
      res.json(h.receiving.sign(idParam(req), user, parse(CourierHandoffRequestSchema, req.body)));
    }),
  );
  r.post(
    '/cases/:id/handoff/start',
    route((req, res) => res.json(h.receiving.start(idParam(req), authorize(req, 'handoff.startHandling')))),
  );
  r.post(
    '/cases/:id/handoff/envelope',
    route((req, res) => {
      const user = authorize(req, 'handoff.mailOriginals');
      res.json(h.receiving.mailOriginals(idParam(req), user, parse(CourierHandoffRequestSchema, req.body)));
    }),
  );
  r.get(
    '/handoff/site-key',
    route((_req, res) => res.json({ site: h.keys.siteId, line: h.keys.exportLine() })),
  );

  // The review evidence of a case received by transfer, read out of the kept bag.
  r.get(
    '/cases/:id/handoff/received',
    route(async (req, res) => res.json(await h.received.read(idParam(req), currentUser(req)))),
  );
  r.get(
    '/cases/:id/handoff/received/files/*file',
    route(async (req, res) => {
      const file = ([] as string[]).concat(req.params.file ?? []).join('/');
      await h.received.sendFile(idParam(req), currentUser(req), file, (f, stream) => sendStoredStream(res, stream, f));
    }),
  );

  // 办结 at the handling office.
  r.post(
    '/cases/:id/handoff/result/document',
    route(async (req, res) => {
      const user = authorize(req, 'result.record');
      res.status(201).json(await receiveSingleFile(req, 'file', (file) => h.results.storeDocument(idParam(req), user, file)));
    }),
  );
  r.post(
    '/cases/:id/handoff/result',
    route(async (req, res) => {
      const user = authorize(req, 'result.record');
      const body = ResultRequestSchema.safeParse(req.body);
      if (!body.success)
        throw new AppError('RESULT_INVALID', { details: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      res.json(await h.results.record(idParam(req), user, body.data));
    }),
  );
  r.post(
    '/cases/:id/handoff/result/resend',
    route(async (req, res) => {
      res.json(await h.results.resend(idParam(req), authorize(req, 'result.resend')));
    }),
  );
  r.get(
    '/cases/:id/handoff/result/document',
    route((req, res) => {
      const doc = h.results.openDocument(idParam(req), currentUser(req));
      return sendStoredStream(res, doc.stream, { fileName: doc.fileName });
    }),
  );

  // 好差评.
  r.post(
    '/cases/:id/rating',
    route((req, res) =>
      res.json(h.ratings.rateAtWindow(idParam(req), authorize(req, 'rating.rate'), parse(RatingRequestSchema, req.body))),
    ),
  );
  r.post(
    '/cases/:id/rating-link',
    route((req, res) => res.json(h.ratings.createLink(idParam(req), authorize(req, 'rating.rate')))),
  );
  r.get(
    '/ratings/:token',
    route((req, res) => res.json(h.ratings.linkInfo(String(req.params.token)))),
  );
  r.post(
    '/ratings/:token',
    route((req, res) => res.json(h.ratings.rateByToken(String(req.params.token), parse(RatingRequestSchema, req.body)))),
  );
  r.get(
    '/ledger/ratings',
    route((req, res) => res.json(h.ratings.ledger(currentUser(req)))),
  );
  r.post(
    '/cases/:id/rating/append',
    route((req, res) => res.json(h.ratings.append(idParam(req), authorize(req, 'rating.append'), parse(RatingAppendSchema, req.body)))),
  );
  r.post(
    '/cases/:id/rating/appeal',
    route((req, res) =>
      res.json(h.ratings.appeal(idParam(req), authorize(req, 'rating.appeal'), parse(RatingAppealSchema, req.body).reason)),
    ),
  );
  r.post(
    '/cases/:id/rating/appeal/decision',
    route((req, res) =>
      res.json(h.ratings.decideAppeal(idParam(req), authorize(req, 'rating.appealDecide'), parse(RatingAppealDecisionSchema, req.body))),
    ),
  );
  r.post(
    '/follow-ups/:id/callback',
    route((req, res) => {
      h.ratings.recordCallback(idParam(req), authorize(req, 'rating.followUp'), parse(FollowUpCallbackSchema, req.body).note);
      res.json({ ok: true });
    }),
  );
  r.post(
    '/follow-ups/:id/close',
    route((req, res) => {
      h.ratings.closeFollowUp(idParam(req), authorize(req, 'rating.followUp'), parse(FollowUpCloseSchema, req.body).note);
      res.json({ ok: true });
    }),
  );

  // Site to site: signed requests from a peer deployment.
  r.post(
    '/transfers',
    route(async (req, res) => res.json(await h.transfers.receive(req.headers, req))),
  );
  r.post(
    '/transfers/results',
    route(async (req, res) => res.json(await h.results.receive(req.headers, req))),
  );
  return r;
}
