import sharp from 'sharp';
import type { SignaturePoint, SignatureRequest } from '@tongban/shared/signature/signature';

/** A pad of this size, as a phone in portrait draws it. */
export const PAD = { width: 600, height: 300 };

/** A scrawl across the pad: `strokes` strokes of `perStroke` points each, with the pressure rising along each. */
export function scrawl(strokes = 3, perStroke = 30): SignaturePoint[][] {
  return Array.from({ length: strokes }, (_, s) =>
    Array.from({ length: perStroke }, (_, i): SignaturePoint => {
      const x = 40 + s * 170 + (i / (perStroke - 1)) * 150;
      const y = 150 + Math.sin(i / 3 + s) * 80;
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, Math.min(1, 0.3 + i / perStroke)];
    }),
  );
}

/** The PNG a pad would send for `strokes`: black lines on a transparent background. */
export async function padPng(strokes: SignaturePoint[][], ink = '#111'): Promise<Buffer> {
  const paths = strokes
    .map(
      (s) =>
        `<path d="M ${s.map(([x, y]) => `${x} ${y}`).join(' L ')}" fill="none" stroke="${ink}" stroke-width="5" stroke-linecap="round"/>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${PAD.width}" height="${PAD.height}">${paths}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A whole request body signing `declarationSha256`. */
export async function signatureBody(
  declarationSha256: string,
  opts: { strokes?: SignaturePoint[][]; png?: Buffer } = {},
): Promise<SignatureRequest> {
  const strokes = opts.strokes ?? scrawl();
  const png = opts.png ?? (await padPng(strokes));
  return { declarationSha256, imagePng: png.toString('base64'), pad: PAD, strokes, pressure: true };
}
