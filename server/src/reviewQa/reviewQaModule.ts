import { Router } from 'express';
import { SecondOpinionSchema } from '@tongban/shared/reviewQa/reviewQa';
import { authorize, parse, route } from '../api/http';
import type { Feature } from '../feature';
import { ReviewQaService, type ReviewQaDeps } from './ReviewQaService';

/** 抽查复核: sampled co-reviews and their second opinions, for the handling office's supervisors. */
export interface ReviewQaModule extends Feature {
  reviewQa: ReviewQaService;
}

export function createReviewQaModule(deps: ReviewQaDeps): ReviewQaModule {
  const reviewQa = new ReviewQaService(deps);
  return {
    reviewQa,
    routes: () => {
      const r = Router();
      r.get(
        '/review-qa',
        route((req, res) => res.json(reviewQa.list(authorize(req, 'reviewQa.view')))),
      );
      r.post(
        '/review-qa/:sessionId/opinion',
        route((req, res) =>
          res.json(
            reviewQa.secondOpinion(String(req.params.sessionId), authorize(req, 'reviewQa.opinion'), parse(SecondOpinionSchema, req.body)),
          ),
        ),
      );
      return r;
    },
  };
}
