import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';

/**
 * A camera that films a printed sheet: Chromium plays a .y4m file as its fake webcam
 * (`--use-file-for-fake-video-capture`), so a page's QR scanner decodes what a real camera would
 * show it — here the QR code of a rendered PDF, cropped as a person would hold the sheet up.
 */

/** The Chromium switch that makes `file` the fake camera's picture. */
export function fakeCameraArgs(file: string): string[] {
  return [`--use-file-for-fake-video-capture=${file}`];
}

/**
 * Renders page 1 of `pdf` (pdftoppm, 150 dpi), finds its QR code, and writes a 640×480 Y4M clip of
 * it (with its quiet zone, on white) to `out`. Returns the QR's text as decoded from the render.
 */
export async function qrCameraClipFromPdf(pdf: Buffer, out: string): Promise<string> {
  const dir = path.dirname(out);
  const base = path.join(dir, `${path.basename(out, '.y4m')}-page`);
  fs.writeFileSync(`${base}.pdf`, pdf);
  await promisify(execFile)('pdftoppm', ['-r', '150', '-png', '-singlefile', `${base}.pdf`, base]);
  const page = await loadImage(fs.readFileSync(`${base}.png`));
  const pageCanvas = createCanvas(page.width, page.height);
  const pg = pageCanvas.getContext('2d');
  pg.drawImage(page, 0, 0);
  const pixels = pg.getImageData(0, 0, page.width, page.height);
  const qr = jsQR(new Uint8ClampedArray(pixels.data), page.width, page.height);
  if (!qr) throw new Error('no QR code on the rendered page');

  const { topLeftCorner: a, bottomRightCorner: b } = qr.location;
  const side = Math.max(b.x - a.x, b.y - a.y);
  const margin = side * 0.15;
  const crop = { x: a.x - margin, y: a.y - margin, size: side + 2 * margin };
  const [width, height] = [640, 480];
  const frame = createCanvas(width, height);
  const g = frame.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, width, height);
  const shown = 400;
  g.drawImage(pageCanvas, crop.x, crop.y, crop.size, crop.size, (width - shown) / 2, (height - shown) / 2, shown, shown);
  writeY4m(out, g.getImageData(0, 0, width, height), 5);
  return qr.data;
}

/** A still picture as a short 4:2:0 Y4M clip (BT.601), which Chromium loops. */
function writeY4m(file: string, img: { data: Uint8ClampedArray; width: number; height: number }, frames: number): void {
  const { data, width, height } = img;
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 4;
      const [r, gr, bl] = [data[i]!, data[i + 1]!, data[i + 2]!];
      y[row * width + col] = Math.round(0.257 * r + 0.504 * gr + 0.098 * bl + 16);
      if (row % 2 === 0 && col % 2 === 0) {
        const c = (row / 2) * (width / 2) + col / 2;
        u[c] = Math.round(-0.148 * r - 0.291 * gr + 0.439 * bl + 128);
        v[c] = Math.round(0.439 * r - 0.368 * gr - 0.071 * bl + 128);
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  fs.writeFileSync(
    file,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`), ...Array(frames).fill(frame)]),
  );
}
