/** Zoom and rotation arithmetic for the materials viewer (kept apart from the component so it reads plainly). */

export const ZOOM_STEPS = [0.1, 0.25, 0.33, 0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4, 6, 8];
export type Rotation = 0 | 90 | 180 | 270;

export function zoomIn(scale: number): number {
  return ZOOM_STEPS.find((s) => s > scale + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1]!;
}

export function zoomOut(scale: number): number {
  return [...ZOOM_STEPS].reverse().find((s) => s < scale - 1e-6) ?? ZOOM_STEPS[0]!;
}

export function rotate(r: Rotation): Rotation {
  return ((r + 90) % 360) as Rotation;
}

/** The box the rotated picture occupies, and the CSS transform that puts it there (origin top left). */
export function layout(natural: { w: number; h: number }, scale: number, rotation: Rotation) {
  const w = natural.w * scale;
  const h = natural.h * scale;
  const sideways = rotation === 90 || rotation === 270;
  const transform = {
    0: 'none',
    90: `translate(${h}px, 0) rotate(90deg)`,
    180: `translate(${w}px, ${h}px) rotate(180deg)`,
    270: `translate(0, ${w}px) rotate(270deg)`,
  }[rotation];
  return { box: sideways ? { w: h, h: w } : { w, h }, img: { w, h }, transform };
}

/** The scale at which the whole (rotated) picture fits the viewer, never enlarged past 2×. */
export function fitScale(natural: { w: number; h: number }, rotation: Rotation, viewer: { w: number; h: number }): number {
  const sideways = rotation === 90 || rotation === 270;
  const boxW = sideways ? natural.h : natural.w;
  const boxH = sideways ? natural.w : natural.h;
  if (boxW <= 0 || boxH <= 0) return 1;
  return Math.min(2, viewer.w / boxW, viewer.h / boxH);
}
