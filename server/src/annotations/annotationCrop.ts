import sharp from 'sharp';
import { cropRect, type AnnotationGeometry, type Point } from '@tongban/shared/annotations/annotations';

/** The longest side of a crop as printed: sharp enough on A4 at the size the notice gives it. */
const MAX_SIDE = 900;
const MARK = '#d4380d';

/**
 * A marked page cut to the mark plus a margin, the mark drawn over it in red, as a JPEG: what the
 * 补正材料通知书 prints beside the item made from the mark. `page` is the page image as the shared
 * viewer showed it (the geometry is 0..1 of its width and height).
 */
export async function renderAnnotationCrop(page: Buffer, g: AnnotationGeometry): Promise<Buffer> {
  const img = sharp(page, { limitInputPixels: 16_000_000 }).rotate();
  const meta = await img.metadata();
  const W = meta.autoOrient?.width ?? meta.width;
  const H = meta.autoOrient?.height ?? meta.height;
  if (!W || !H) throw new Error('page image without a size');
  const r = cropRect(g);
  const left = Math.floor(r.x0 * W);
  const top = Math.floor(r.y0 * H);
  const width = Math.max(1, Math.min(W - left, Math.ceil((r.x1 - r.x0) * W)));
  const height = Math.max(1, Math.min(H - top, Math.ceil((r.y1 - r.y0) * H)));
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  /** A page point (0..1) in the crop's pixels. */
  const at = (p: Point) => ({ x: ((p.x * W - left) * scale).toFixed(1), y: ((p.y * H - top) * scale).toFixed(1) });
  const stroke = Math.max(2, Math.round(Math.max(w, h) / 150));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${markSvg(g, at, stroke)}</svg>`;
  return sharp(await img.extract({ left, top, width, height }).resize(w, h).flatten({ background: '#ffffff' }).toBuffer())
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

function markSvg(g: AnnotationGeometry, at: (p: Point) => { x: string; y: string }, stroke: number): string {
  const line = `fill="none" stroke="${MARK}" stroke-width="${stroke}" stroke-linecap="round" stroke-linejoin="round"`;
  switch (g.kind) {
    case 'box': {
      const a = at({ x: g.box.x0, y: g.box.y0 });
      const b = at({ x: g.box.x1, y: g.box.y1 });
      return `<rect x="${a.x}" y="${a.y}" width="${(Number(b.x) - Number(a.x)).toFixed(1)}" height="${(Number(b.y) - Number(a.y)).toFixed(1)}" ${line}/>`;
    }
    case 'arrow': {
      const a = at(g.from);
      const b = at(g.to);
      const dx = Number(b.x) - Number(a.x);
      const dy = Number(b.y) - Number(a.y);
      const len = Math.hypot(dx, dy) || 1;
      const head = stroke * 5;
      const ux = dx / len;
      const uy = dy / len;
      const wing = (sign: number) =>
        `${(Number(b.x) - head * ux + sign * head * 0.5 * -uy).toFixed(1)},${(Number(b.y) - head * uy + sign * head * 0.5 * ux).toFixed(1)}`;
      return `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" ${line}/><polyline points="${wing(1)} ${b.x},${b.y} ${wing(-1)}" ${line}/>`;
    }
    case 'freehand':
      return `<polyline points="${g.points.map((p) => `${at(p).x},${at(p).y}`).join(' ')}" ${line}/>`;
    case 'note': {
      const p = at(g.at);
      return `<circle cx="${p.x}" cy="${p.y}" r="${stroke * 4}" ${line}/>`;
    }
  }
}
