import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Chromium switches for a camera of a known size: its fake capture device plays a Y4M clip
 * (--use-file-for-fake-video-capture), so every frame is exactly width×height whatever the page
 * asks for. The clip (a bar moving across grey, so encoders see motion) is written once per size.
 */
export function fakeCameraArgs(size: { width: number; height: number }): string[] {
  const { width, height } = size;
  const file = path.join(os.tmpdir(), `tongban-fake-camera-${width}x${height}.y4m`);
  if (!fs.existsSync(file)) {
    const frames = 15;
    const luma = width * height;
    const chroma = (width / 2) * (height / 2);
    const frame = Buffer.alloc(luma + 2 * chroma);
    const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`)];
    for (let f = 0; f < frames; f++) {
      frame.fill(110, 0, luma);
      const x0 = Math.floor((f * width) / frames);
      const bar = Math.max(8, Math.floor(width / 10));
      for (let y = 0; y < height; y++) frame.fill(230, y * width + x0, y * width + Math.min(width, x0 + bar));
      frame.fill(128, luma);
      parts.push(Buffer.from('FRAME\n'), Buffer.from(frame));
    }
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat(parts));
    fs.renameSync(tmp, file);
  }
  return [`--use-file-for-fake-video-capture=${file}`];
}
