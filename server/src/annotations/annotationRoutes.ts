import { Router } from 'express';
import { authorize, idParam, route } from '../api/http';
import type { AnnotationService } from './AnnotationService';

/** 批注 of a case, for its page: the marks drawn on its materials in the co-review. */
export function createAnnotationRoutes(annotations: AnnotationService): Router {
  const r = Router();
  r.get(
    '/cases/:id/annotations',
    route((req, res) => res.json({ annotations: annotations.list(idParam(req), authorize(req, 'case.view')) })),
  );
  return r;
}
