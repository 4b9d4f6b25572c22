import { useRef, useState, type PointerEvent } from 'react';
import type { AnnotationGeometry, AnnotationKind, AnnotationView, Point } from '@tongban/shared/annotations/annotations';
import './annotations.css';

/** A mark as drawn: stored ones carry their id and note; the one being drawn has neither yet. */
interface Drawn {
  id?: string;
  geometry: AnnotationGeometry;
  note?: string;
  authorName?: string;
}

/**
 * 批注 on a shown page: each mark in the page's own coordinates (0..1), over the page image at any
 * zoom. Boxes, arrows and freehand lines are one SVG; notes are labels at their spot. Read-only.
 */
export function AnnotationMarks({ marks, highlighted }: { marks: Drawn[]; highlighted?: string | undefined }) {
  return (
    <>
      <svg className="annotation-svg" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
        <defs>
          <marker
            id="annotation-arrowhead"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="6"
            markerHeight="6"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="annotation-head" />
          </marker>
        </defs>
        {marks
          .filter((m) => m.geometry.kind !== 'note')
          .map((m, i) => (
            <Shape key={m.id ?? `draft-${i}`} mark={m} highlighted={m.id !== undefined && m.id === highlighted} />
          ))}
      </svg>
      {marks
        .filter((m) => m.geometry.kind === 'note' || m.note)
        .map((m, i) => {
          const at = notePoint(m.geometry);
          return (
            <div
              key={`note-${m.id ?? i}`}
              className={m.geometry.kind === 'note' ? 'annotation-note' : 'annotation-note annotation-note-label'}
              data-testid={m.geometry.kind === 'note' ? 'annotation-mark' : undefined}
              data-kind={m.geometry.kind === 'note' ? 'note' : undefined}
              data-annotation-id={m.geometry.kind === 'note' ? m.id : undefined}
              style={{ left: pct(at.x), top: pct(at.y) }}
              title={m.authorName}
            >
              {m.note}
            </div>
          );
        })}
    </>
  );
}

function Shape({ mark, highlighted }: { mark: Drawn; highlighted: boolean }) {
  const g = mark.geometry;
  const common = {
    'data-testid': mark.id ? 'annotation-mark' : 'annotation-draft',
    'data-kind': g.kind,
    'data-annotation-id': mark.id,
    className: highlighted ? 'annotation-shape annotation-shape-highlighted' : 'annotation-shape',
    vectorEffect: 'non-scaling-stroke' as const,
  };
  switch (g.kind) {
    case 'box':
      return <rect {...common} x={g.box.x0} y={g.box.y0} width={g.box.x1 - g.box.x0} height={g.box.y1 - g.box.y0} />;
    case 'arrow':
      return <line {...common} x1={g.from.x} y1={g.from.y} x2={g.to.x} y2={g.to.y} markerEnd="url(#annotation-arrowhead)" />;
    case 'freehand':
      return <polyline {...common} points={g.points.map((p) => `${p.x},${p.y}`).join(' ')} />;
    default:
      return null;
  }
}

/** Where a mark's note label sits: at a note's spot, else at the mark's start. */
function notePoint(g: AnnotationGeometry): Point {
  if (g.kind === 'note') return g.at;
  if (g.kind === 'box') return { x: g.box.x0, y: g.box.y1 };
  if (g.kind === 'arrow') return g.from;
  return g.points[0]!;
}

/**
 * Over the page while a drawing tool is on: press, drag, release draws a box, an arrow or a line
 * (a click places a note). The geometry is handed to `onDraw` in page coordinates; nothing is
 * kept here once it is.
 */
export function DrawingSurface({
  tool,
  label,
  onDraw,
}: {
  tool: AnnotationKind;
  label: string;
  onDraw(geometry: AnnotationGeometry): void;
}) {
  const [points, setPoints] = useState<Point[]>([]);
  const active = useRef(false);
  const at = (e: PointerEvent<HTMLDivElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: clamp((e.clientX - r.left) / r.width), y: clamp((e.clientY - r.top) / r.height) };
  };
  const draft = geometryOf(tool, points);
  return (
    <div
      className="annotation-surface"
      data-testid="annotation-surface"
      data-tool={tool}
      aria-label={label}
      role="application"
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault();
        e.currentTarget.setPointerCapture?.(e.pointerId);
        active.current = true;
        setPoints([at(e)]);
      }}
      onPointerMove={(e) => {
        if (!active.current) return;
        const p = at(e);
        setPoints((ps) => (tool === 'freehand' ? [...ps, p].slice(-500) : [ps[0] ?? p, p]));
      }}
      onPointerUp={(e) => {
        if (!active.current) return;
        active.current = false;
        const last = at(e);
        const all = tool === 'freehand' ? [...points, last].slice(-500) : [points[0] ?? last, last];
        setPoints([]);
        const g = geometryOf(tool, all);
        if (g) onDraw(g);
      }}
      onPointerCancel={() => {
        active.current = false;
        setPoints([]);
      }}
    >
      {draft && <AnnotationMarks marks={[{ geometry: draft }]} />}
    </div>
  );
}

/** The mark the points make, or none yet (too small to be meant). */
function geometryOf(tool: AnnotationKind, points: Point[]): AnnotationGeometry | undefined {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return undefined;
  if (tool === 'note') return { kind: 'note', at: last };
  if (tool === 'freehand') return points.length >= 2 ? { kind: 'freehand', points } : undefined;
  if (Math.hypot(last.x - first.x, last.y - first.y) < MIN_SIZE) return undefined;
  if (tool === 'arrow') return { kind: 'arrow', from: first, to: last };
  const box = {
    x0: Math.min(first.x, last.x),
    y0: Math.min(first.y, last.y),
    x1: Math.max(first.x, last.x),
    y1: Math.max(first.y, last.y),
  };
  return box.x1 > box.x0 && box.y1 > box.y0 ? { kind: 'box', box } : undefined;
}

const MIN_SIZE = 0.01;
const clamp = (v: number) => Math.min(1, Math.max(0, v));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export type { AnnotationView };
