import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError } from '@tongban/shared';
import { CheckStepRequestSchema, ConsentRequestSchema } from '@tongban/shared/review/checklist';
import { DecisionRequestSchema, RedeemTokenRequestSchema, SnapshotLabelSchema } from '@tongban/shared/review/session';
import { authorize, currentUser, parse, route } from '../api/http';
import { serverOriginOf } from '../api/serverOrigin';
import { sendStoredStream } from '../materials/sendStoredFile';
import type { BlobStore } from '../storage/BlobStore';
import type { ReviewSessionService } from './ReviewSessionService';

const SessionParams = z.object({ id: z.string().min(1).max(64) });
const snapshotBody = express.raw({ type: ['image/jpeg', 'image/png'], limit: '15mb' });

export interface ReviewRouteDeps {
  review: ReviewSessionService;
  blobs: BlobStore;
}

/** Live co-review (视频会审): request, queue, accept, applicant link, identity checks, snapshots, decision. */
export function createReviewRoutes(ctx: ReviewRouteDeps): Router {
  const r = Router();
  const review = ctx.review;
  const sid = (req: Request) => parse(SessionParams, req.params).id;

  r.get(
    '/cases/:id/review',
    route((req, res) => {
      res.json({ session: review.forCase(currentUser(req), sid(req)) });
    }),
  );
  r.post(
    '/cases/:id/review',
    route((req, res) => {
      res.status(201).json(review.request(authorize(req, 'review.request'), sid(req)));
    }),
  );
  r.get(
    '/review/queue',
    route((req, res) => {
      res.json(review.queue(currentUser(req)));
    }),
  );
  r.post(
    '/review/applicant/redeem',
    route((req, res) => {
      // A link cut short or mistyped is an invalid link to the applicant, not a malformed request.
      const body = RedeemTokenRequestSchema.safeParse(req.body);
      if (!body.success) throw new AppError('REVIEW_TOKEN_INVALID');
      res.json(review.redeem(body.data.token));
    }),
  );
  r.get(
    '/review/sessions/:id',
    route((req, res) => {
      res.json(review.get(currentUser(req), sid(req)));
    }),
  );
  r.post(
    '/review/sessions/:id/accept',
    route((req, res) => {
      res.json(review.accept(authorize(req, 'review.accept'), sid(req)));
    }),
  );
  r.post(
    '/review/sessions/:id/cancel',
    route((req, res) => {
      res.json(review.cancel(authorize(req, 'review.cancel'), sid(req)));
    }),
  );
  r.post(
    '/review/sessions/:id/applicant-link',
    route((req, res) => {
      res.status(201).json(review.applicantLink(authorize(req, 'review.applicantLink'), sid(req), serverOriginOf(req)));
    }),
  );
  r.post(
    '/review/sessions/:id/consent',
    route((req, res) => {
      res.json(review.recordConsent(authorize(req, 'review.verify'), sid(req), parse(ConsentRequestSchema, req.body)));
    }),
  );
  r.post(
    '/review/sessions/:id/liveness',
    route((req, res) => {
      res.status(201).json(review.issueLivenessPrompt(authorize(req, 'review.verify'), sid(req)));
    }),
  );
  r.post(
    '/review/sessions/:id/checks',
    route((req, res) => {
      res.json(review.recordCheck(authorize(req, 'review.verify'), sid(req), parse(CheckStepRequestSchema, req.body)));
    }),
  );
  r.post(
    '/review/sessions/:id/snapshots',
    snapshotBody,
    route(async (req, res) => {
      const user = authorize(req, 'review.verify');
      const label = parse(SnapshotLabelSchema, req.query['label']);
      const image = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.status(201).json(await review.addSnapshot(user, sid(req), image, label));
    }),
  );
  r.get(
    '/review/sessions/:id/snapshots/:snapshotId',
    route((req, res) => {
      const snapshotId = parse(z.string().min(1).max(64), req.params['snapshotId']);
      const blob = review.snapshotBlob(currentUser(req), sid(req), snapshotId);
      return sendStoredStream(res, ctx.blobs.open(blob.sha256), {
        fileName: `snapshot-${snapshotId}`,
        cacheControl: 'private, max-age=3600, immutable',
      });
    }),
  );
  r.post(
    '/review/sessions/:id/decision',
    route((req, res) => {
      res.json(review.decide(authorize(req, 'review.decide'), sid(req), parse(DecisionRequestSchema, req.body)));
    }),
  );
  return r;
}
