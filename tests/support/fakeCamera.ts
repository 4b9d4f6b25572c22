import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import jsQR from 'jsqr';

/**
 * Fake cameras for Chromium: its fake capture device plays a Y4M clip
 * (`--use-file-for-fake-video-capture`) whose every frame is exactly the clip's size whatever the
 * page asks for — a camera of a known size, or one filming a printed sheet.
 */

/** The Chromium switch that makes the clip `file` the fake camera's picture. */
export function fakeCameraArgs(file: string): string[] {
  return [`--use-file-for-fake-video-capture=${file}`];
}

/** A camera of exactly `size`: a bar moving across grey (so encoders see motion), written once per size. */
export function sizedCameraArgs(size: { width: number; height: number }): string[] {
  const { width, height } = size;
  const file = path.join(os.tmpdir(), `tongban-fake-camera-${width}x${height}.y4m`);
  if (!fs.existsSync(file)) {
    const count = 15;
    const luma = width * height;
    const frames: Buffer[] = [];
    for (let f = 0; f < count; f++) {
      const frame = Buffer.alloc(luma + 2 * (width / 2) * (height / 2));
      frame.fill(110, 0, luma);
      const x0 = Math.floor((f * width) / count);
      const bar = Math.max(8, Math.floor(width / 10));
      for (let y = 0; y < height; y++) frame.fill(230, y * width + x0, y * width + Math.min(width, x0 + bar));
      frame.fill(128, luma);
      frames.push(frame);
    }
    // Written aside and renamed: parallel test files may ask for the same size at once.
    const tmp = `${file}.${process.pid}.tmp`;
    writeY4m(tmp, { width, height, fps: 15 }, frames);
    fs.renameSync(tmp, file);
  }
  return fakeCameraArgs(file);
}

/**
 * Renders page 1 of `pdf` (pdftoppm, 150 dpi), finds its QR code, and writes a 640×480 Y4M clip of
 * it (with its quiet zone, on white, as a person holds the sheet up) to `out`. Returns the QR's
 * text as decoded from the render.
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
  const still = yuv420(g.getImageData(0, 0, width, height));
  writeY4m(out, { width, height, fps: 30 }, Array<Buffer>(5).fill(still));
  return qr.data;
}

/** An RGBA picture as one planar 4:2:0 frame (BT.601). */
function yuv420(img: { data: Uint8ClampedArray; width: number; height: number }): Buffer {
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
  return Buffer.concat([y, u, v]);
}

/** A Y4M clip of 4:2:0 frames, which Chromium loops. */
function writeY4m(file: string, f: { width: number; height: number; fps: number }, frames: Buffer[]): void {
  const header = Buffer.from(`YUV4MPEG2 W${f.width} H${f.height} F${f.fps}:1 Ip A1:1 C420jpeg\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...frames.flatMap((frame) => [Buffer.from('FRAME\n'), frame])]));
}
