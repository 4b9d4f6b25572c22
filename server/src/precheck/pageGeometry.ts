import sharp, { type Sharp } from 'sharp';
import type { Bbox } from '@tongban/shared/precheck/types';
import { rotateByShear } from './shearRotation';

/**
 * The geometry of a normalised page: the steps that make the page OCR reads (and every box refers
 * to) out of the upright original (EXIF orientation applied) — straightening, the camera crop,
 * upscaling, quarter turns. Normalisation decides each step on the grayscale page and applies it
 * with `applyStep`; replaying the same steps on the original's colour pixels gives a colour page
 * with exactly the same geometry, so a box found on the gray page cuts the same region in colour
 * (the ID photo for the reviewer's face comparison). Pixel filters (the median) are not geometry
 * and are not recorded.
 */

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type GeometryStep =
  /**
   * Skew removed: turned by −degrees (clockwise degrees) about the centre at the page's own size,
   * exposed corners filled; by whole-pixel shears (shearRotation.ts) or interpolated (libvips).
   */
  | { op: 'straighten'; degrees: number; fill: 'white' | 'black'; resample: 'whole-pixels' | 'interpolated' }
  /** A camera shot cut to the page (the region was found on the gray page: colour is not trimmed again). */
  | { op: 'crop'; region: Region }
  | { op: 'scale'; width: number; height: number }
  /** Turned clockwise by quarter turns (the page was read upside down or sideways). */
  | { op: 'turn'; degrees: 90 | 180 | 270 };

export const rawInput = (img: RawImage) => ({ raw: { width: img.width, height: img.height, channels: img.channels } });

const SCALE_OPTIONS = { kernel: 'lanczos3' } as const;

/**
 * The original with its EXIF orientation applied, read sequentially (strip by strip) and scaled to
 * `size` if given — a `scale` step done while decoding, so a huge image is never held whole.
 */
export function decodeUpright(input: Buffer, maxPixels: number, size?: { width: number; height: number }): Sharp {
  const img = sharp(input, { limitInputPixels: maxPixels, sequentialRead: true }).rotate();
  return size ? img.resize(size.width, size.height, SCALE_OPTIONS) : img;
}

/** One step on a gray (1 channel) or colour (3 channels) image: the same operations either way, so the same geometry. */
export async function applyStep(img: RawImage, step: GeometryStep): Promise<RawImage> {
  if (step.op === 'straighten' && step.resample === 'whole-pixels')
    return { ...img, data: rotateByShear(img, -step.degrees, step.fill === 'white' ? 255 : 0) };
  let s = sharp(img.data, rawInput(img));
  if (step.op === 'straighten')
    s = s.rotate(-step.degrees, { background: step.fill === 'white' ? '#ffffff' : '#000000' }).extract(centredInTurned(img, step.degrees));
  else if (step.op === 'crop') s = s.extract(step.region);
  else if (step.op === 'scale') s = s.resize(step.width, step.height, SCALE_OPTIONS);
  else s = s.rotate(step.degrees);
  const { data, info } = await s
    .removeAlpha()
    .toColourspace(img.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: img.channels };
}

/** The centre of `size` turned by `degrees`, at `size`: rounded down so it stays inside the turned image's bounding box. */
function centredInTurned(size: { width: number; height: number }, degrees: number): Region {
  const rad = (Math.abs(degrees) * Math.PI) / 180;
  const turned = {
    width: Math.floor(size.width * Math.cos(rad) + size.height * Math.sin(rad)),
    height: Math.floor(size.width * Math.sin(rad) + size.height * Math.cos(rad)),
  };
  return {
    left: Math.floor((turned.width - size.width) / 2),
    top: Math.floor((turned.height - size.height) / 2),
    width: size.width,
    height: size.height,
  };
}

/**
 * `box` of the normalised page, cut from the original's colour pixels: the original decoded in
 * colour (EXIF orientation applied, as for the gray page), the page's steps replayed, the box cut.
 * A PNG, or null when the original has no colour to show (a grayscale scan: the gray crop is all there is).
 */
export async function cutInColour(original: Buffer, steps: readonly GeometryStep[], box: Bbox, maxPixels: number): Promise<Buffer | null> {
  const meta = await sharp(original, { limitInputPixels: maxPixels }).metadata();
  if (meta.space === 'b-w' || (meta.channels ?? 0) < 3) return null;
  // A large original scaled down to the working size was scaled while decoding (normalise): so is its colour.
  const [first, ...rest] = steps;
  const scale = first?.op === 'scale' && first.width * first.height < meta.width! * meta.height! ? first : undefined;
  const decoded = await decodeUpright(original, maxPixels, scale)
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  let img: RawImage = { data: decoded.data, width: decoded.info.width, height: decoded.info.height, channels: 3 };
  for (const step of scale ? rest : steps) img = await applyStep(img, step);
  return sharp(img.data, rawInput(img))
    .extract({ left: box.x0, top: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 })
    .png()
    .toBuffer();
}
