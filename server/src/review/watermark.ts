import sharp from 'sharp';
import { AppError } from '@tongban/shared';

export interface WatermarkedImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Burns the case number and the capture time into a snapshot, full resolution kept, so a copy
 * of the evidence cannot be passed off as another case's. A band at the bottom keeps the text
 * legible on any background; a faint diagonal repeat makes cropping the band out visible.
 */
export async function watermarkSnapshot(image: Buffer, lines: string[]): Promise<WatermarkedImage> {
  const meta = await sharp(image)
    .metadata()
    .catch(() => {
      throw new AppError('REVIEW_SNAPSHOT_INVALID');
    });
  if ((meta.format !== 'jpeg' && meta.format !== 'png') || !meta.width || !meta.height) throw new AppError('REVIEW_SNAPSHOT_INVALID');
  // Orientation from EXIF first, so the band lands at the visual bottom.
  const upright = await sharp(image).rotate().toBuffer({ resolveWithObject: true });
  const { width, height } = upright.info;
  const fontSize = Math.max(14, Math.round(Math.min(width, height) / 28));
  const bandHeight = Math.round(fontSize * (lines.length * 1.35 + 0.8));
  const text = lines
    .map((l, i) => `<text x="${fontSize * 0.6}" y="${Math.round(fontSize * (1.25 + i * 1.35))}">${escapeXml(l)}</text>`)
    .join('');
  const diagonal = escapeXml(lines[0] ?? '');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <g font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif" fill="#ffffff" fill-opacity="0.18" font-size="${fontSize * 1.6}"
     transform="rotate(-25 ${width / 2} ${height / 2})" text-anchor="middle">
    <text x="${width / 2}" y="${height / 2}">${diagonal}</text>
  </g>
  <rect x="0" y="${height - bandHeight}" width="${width}" height="${bandHeight}" fill="#000000" fill-opacity="0.55"/>
  <g transform="translate(0 ${height - bandHeight})" font-family="Noto Sans CJK SC, Noto Sans SC, sans-serif" font-size="${fontSize}" fill="#ffffff">${text}</g>
</svg>`;
  const jpeg = await sharp(upright.data)
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 92 })
    .toBuffer();
  return { jpeg, width, height };
}
