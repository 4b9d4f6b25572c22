import type { Feature } from '../feature';
import type { HandoffEvidence } from '../handoff/evidence';
import { AnnotationService, type AnnotationDeps } from './AnnotationService';
import { createAnnotationRoutes } from './annotationRoutes';

/** Where a 补正 item made from a mark gets its crop (the correction notice registers with this). */
export interface AnnotationCrops {
  useMarks(marks: Pick<AnnotationService, 'ofCase' | 'crop'>): void;
}

/** 批注: marks on the shared materials in the co-review — drawn live in the call, kept, listed on the case page. */
export interface AnnotationsModule extends Feature {
  annotations: AnnotationService;
}

export function createAnnotationsModule({
  evidence,
  corrections,
  ...deps
}: AnnotationDeps & { evidence: HandoffEvidence; corrections: AnnotationCrops }): AnnotationsModule {
  const annotations = new AnnotationService(deps);
  // data/annotations/annotations.json: every mark still shown, with its page, author and time.
  evidence.provide('annotations', (caseId) => {
    const marks = annotations.forCase(caseId);
    return marks.length === 0 ? [] : [{ path: 'annotations.json', content: Buffer.from(`${JSON.stringify(marks, null, 2)}\n`, 'utf8') }];
  });
  corrections.useMarks(annotations);
  return { annotations, routes: () => createAnnotationRoutes(annotations) };
}
