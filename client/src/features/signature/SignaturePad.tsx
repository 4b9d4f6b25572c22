import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { SIGNATURE_LIMITS, type SignaturePoint } from '@tongban/shared/signature/signature';
import { useI18n } from '../../i18n';

/** What the pad hands over: the PNG (base64), its size in pixels, the strokes, whether the device reported pressure. */
export interface PadSignature {
  imagePng: string;
  pad: { width: number; height: number };
  strokes: SignaturePoint[][];
  pressure: boolean;
}

export interface SignaturePadHandle {
  clear(): void;
  /** The drawing so far; null while nothing is drawn. */
  read(): PadSignature | null;
}

/** Points closer than this (in canvas pixels) to the last one add nothing but bytes. */
const MIN_STEP = 1.5;
/** The pressure a device reports when it cannot measure any (the Pointer Events default while pressed). */
const NO_PRESSURE = 0.5;

/**
 * A signature pad on a <canvas>, with pointer events: a finger, a pen or a mouse draws; the
 * coalesced events of a fast stroke are all used where the browser gives them; the line width
 * follows the pen's or finger's pressure where the device reports it. Drawn in the canvas's own
 * pixels (its CSS size × the device pixel ratio, within the server's bounds), so the PNG is sharp.
 */
export const SignaturePad = forwardRef<SignaturePadHandle, { label: string; onChange?(points: number): void }>(function SignaturePad(
  { label, onChange },
  ref,
) {
  const { t } = useI18n();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<SignaturePoint[][]>([]);
  const active = useRef<{ pointerId: number; stroke: SignaturePoint[] } | null>(null);
  const pressureSeen = useRef(false);
  const [points, setPoints] = useState(0);

  const count = () => strokes.current.reduce((n, s) => n + s.length, 0);
  const changed = useCallback(() => {
    const n = strokes.current.reduce((k, s) => k + s.length, 0);
    setPoints(n);
    onChange?.(n);
  }, [onChange]);

  /** Sizes the backing store to the element (only while empty: a drawing is never rescaled under the hand). */
  const fit = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas || strokes.current.length > 0) return;
    const box = canvas.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    const scale = Math.min(window.devicePixelRatio || 1, SIGNATURE_LIMITS.maxWidth / box.width, SIGNATURE_LIMITS.maxHeight / box.height);
    canvas.width = Math.max(SIGNATURE_LIMITS.minWidth, Math.round(box.width * scale));
    canvas.height = Math.max(SIGNATURE_LIMITS.minHeight, Math.round(box.height * scale));
  }, []);

  useEffect(() => {
    fit();
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => fit());
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [fit]);

  const clear = useCallback(() => {
    strokes.current = [];
    active.current = null;
    pressureSeen.current = false;
    const canvas = canvasRef.current;
    canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    fit();
    changed();
  }, [fit, changed]);

  useImperativeHandle(
    ref,
    () => ({
      clear,
      read: () => {
        const canvas = canvasRef.current;
        if (!canvas || strokes.current.length === 0) return null;
        return {
          imagePng: canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, ''),
          pad: { width: canvas.width, height: canvas.height },
          strokes: strokes.current.map((s) => s.map((p) => [...p] as SignaturePoint)),
          pressure: pressureSeen.current,
        };
      },
    }),
    [clear],
  );

  const pointOf = (e: PointerEvent): SignaturePoint => {
    const canvas = canvasRef.current!;
    const box = canvas.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * canvas.width;
    const y = ((e.clientY - box.top) / box.height) * canvas.height;
    const measured = e.pointerType !== 'mouse' && e.pressure > 0 && e.pressure !== NO_PRESSURE;
    if (measured) pressureSeen.current = true;
    const round = (v: number, max: number) => Math.round(Math.min(Math.max(v, 0), max) * 10) / 10;
    return [round(x, canvas.width), round(y, canvas.height), measured ? Math.min(1, e.pressure) : NO_PRESSURE];
  };

  const draw = (from: SignaturePoint, to: SignaturePoint) => {
    const canvas = canvasRef.current!;
    const g = canvas.getContext('2d');
    if (!g) return;
    const base = Math.max(2, canvas.width / 220);
    g.strokeStyle = '#111';
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.lineWidth = base * (0.45 + to[2] * 1.1);
    g.beginPath();
    g.moveTo(from[0], from[1]);
    g.lineTo(to[0], to[1]);
    g.stroke();
  };

  const add = (e: PointerEvent) => {
    const a = active.current;
    if (!a || count() >= SIGNATURE_LIMITS.maxPoints) return;
    const p = pointOf(e);
    const last = a.stroke.at(-1)!;
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) < MIN_STEP) return;
    draw(last, p);
    a.stroke.push(p);
    // A very long stroke goes on as a new one (the server bounds each stroke).
    if (a.stroke.length >= SIGNATURE_LIMITS.maxPointsPerStroke) {
      a.stroke = [p];
      strokes.current.push(a.stroke);
    }
  };

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const down = (e: PointerEvent) => {
      if (active.current || strokes.current.length >= SIGNATURE_LIMITS.maxStrokes) return;
      e.preventDefault();
      canvas.setPointerCapture?.(e.pointerId);
      const p = pointOf(e);
      const stroke = [p];
      strokes.current.push(stroke);
      active.current = { pointerId: e.pointerId, stroke };
      draw(p, p);
    };
    const move = (e: PointerEvent) => {
      if (active.current?.pointerId !== e.pointerId) return;
      e.preventDefault();
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const c of events.length > 0 ? events : [e]) add(c);
    };
    const up = (e: PointerEvent) => {
      if (active.current?.pointerId !== e.pointerId) return;
      active.current = null;
      changed();
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    return () => {
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
    };
    // pointOf, draw and add read only refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changed]);

  return (
    <div className="signature-pad">
      <canvas
        ref={canvasRef}
        className="signature-canvas"
        role="img"
        aria-label={label}
        data-testid="signature-canvas"
        data-points={points}
      />
      <p className="signature-baseline" aria-hidden="true">
        {t('请在上方框内签写姓名', 'Sign your name in the box above')}
      </p>
    </div>
  );
});
