import { useEffect, useState } from 'react';
import { annotationsPath, type AnnotationView } from '@tongban/shared/annotations/annotations';
import { api } from '../../api/client';

/** The case's marks (批注) from its co-reviews, for the case page; none while loading or if they cannot be read. */
export function useCaseAnnotations(caseId: string, reloadKey?: unknown): AnnotationView[] {
  const [marks, setMarks] = useState<AnnotationView[]>([]);
  useEffect(() => {
    let live = true;
    api.get<{ annotations: AnnotationView[] }>(annotationsPath(caseId)).then(
      (r) => live && setMarks(r.annotations),
      () => undefined, // a help on the page, not a must
    );
    return () => {
      live = false;
    };
  }, [caseId, reloadKey]);
  return marks;
}
