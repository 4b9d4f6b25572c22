import { z } from 'zod';
import { freeText } from '../schemas/text';

/**
 * 批注: marks the reviewer (or the clerk) draws on a page of the shared materials viewer during a
 * co-review — a box, an arrow, a freehand line or a short note. Geometry is in the page's own
 * coordinates, 0..1 of the shown page's width and height, so both desks (and the crop printed on
 * the correction notice) place it at the same spot whatever the zoom.
 */
export const ANNOTATION_KINDS = ['box', 'arrow', 'freehand', 'note'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

export const ANNOTATION_KIND_LABELS: Record<AnnotationKind, { zh: string; en: string }> = {
  box: { zh: '框选', en: 'Box' },
  arrow: { zh: '箭头', en: 'Arrow' },
  freehand: { zh: '手绘', en: 'Freehand' },
  note: { zh: '便签', en: 'Note' },
};

const unit = z.number().min(0).max(1);
export const PointSchema = z.strictObject({ x: unit, y: unit });
export type Point = z.infer<typeof PointSchema>;
export const RectSchema = z
  .strictObject({ x0: unit, y0: unit, x1: unit, y1: unit })
  .refine((r) => r.x1 > r.x0 && r.y1 > r.y0, { message: 'box: x1 > x0 and y1 > y0' });
export type Rect = z.infer<typeof RectSchema>;

/** Where the mark is drawn, by kind. */
export const AnnotationGeometrySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('box'), box: RectSchema }),
  z.strictObject({ kind: z.literal('arrow'), from: PointSchema, to: PointSchema }),
  z.strictObject({ kind: z.literal('freehand'), points: z.array(PointSchema).min(2).max(500) }),
  z.strictObject({ kind: z.literal('note'), at: PointSchema }),
]);
export type AnnotationGeometry = z.infer<typeof AnnotationGeometrySchema>;

/** The short note a mark carries (required on a 'note'); ID numbers in it are masked before it is stored. */
const noteText = freeText(200, { lines: 'single' });

/** `annot:add` over /rtc: a mark on one page of one material of the call's case. */
export const AddAnnotationSchema = z
  .strictObject({
    materialId: z.string().min(1).max(128),
    page: z.number().int().min(1).max(10_000),
    geometry: AnnotationGeometrySchema,
    note: noteText.optional(),
  })
  .refine((a) => a.geometry.kind !== 'note' || (a.note ?? '').length > 0, { message: '便签须写明内容', path: ['note'] });
export type AddAnnotationRequest = z.infer<typeof AddAnnotationSchema>;

export const RemoveAnnotationSchema = z.strictObject({ annotationId: z.string().min(1).max(128) });

/** A stored mark as both desks and the case page see it. */
export interface AnnotationView {
  id: string;
  caseId: string;
  sessionId: string;
  materialId: string;
  page: number;
  kind: AnnotationKind;
  geometry: AnnotationGeometry;
  note?: string;
  authorName: string;
  authorRole: string;
  createdAt: string;
}

/** The smallest box (0..1) holding the whole mark; a note is a point, given a small box around it. */
export function annotationBounds(g: AnnotationGeometry): Rect {
  const points: Point[] =
    g.kind === 'box'
      ? [
          { x: g.box.x0, y: g.box.y0 },
          { x: g.box.x1, y: g.box.y1 },
        ]
      : g.kind === 'arrow'
        ? [g.from, g.to]
        : g.kind === 'freehand'
          ? g.points
          : [g.at];
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const pad = g.kind === 'note' ? 0.05 : 0;
  return {
    x0: Math.max(0, Math.min(...xs) - pad),
    y0: Math.max(0, Math.min(...ys) - pad),
    x1: Math.min(1, Math.max(...xs) + pad),
    y1: Math.min(1, Math.max(...ys) + pad),
  };
}

/** The mark's box grown by `margin` (of the page) on every side, kept on the page: what the notice's crop shows. */
export function cropRect(g: AnnotationGeometry, margin = 0.08): Rect {
  const b = annotationBounds(g);
  return { x0: Math.max(0, b.x0 - margin), y0: Math.max(0, b.y0 - margin), x1: Math.min(1, b.x1 + margin), y1: Math.min(1, b.y1 + margin) };
}

export const annotationsPath = (caseId: string) => `/api/cases/${encodeURIComponent(caseId)}/annotations`;
