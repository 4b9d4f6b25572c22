import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { DEFAULT_ZIP_LIMITS, forEachZipEntry } from '@tongban/server/handoff/bag/zipEntries';

let dir: string;
let zipPath: string;
const scan = Buffer.alloc(3 * 1024 * 1024 + 123);
const tag = Buffer.from('BagIt-Version: 1.0\n'.repeat(2000));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zip-entries-'));
  for (let i = 0; i < scan.length; i++) scan[i] = (i * 2654435761) >>> 24;
  zipPath = path.join(dir, 'bag.zip');
  const zip = new ZipFile();
  zip.addBuffer(scan, 'B/data/scan.jpg', { compress: false });
  zip.addBuffer(Buffer.alloc(0), 'B/data/empty.txt', { compress: false });
  zip.addBuffer(tag, 'B/bagit.txt', { compress: true });
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(zipPath));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readAll(file: string): Promise<Map<string, Buffer[]>> {
  const out = new Map<string, Buffer[]>();
  await forEachZipEntry(file, DEFAULT_ZIP_LIMITS, async ({ name }, open) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await open()) chunks.push(chunk as Buffer);
    out.set(name, chunks);
  });
  return out;
}

describe('forEachZipEntry reads', () => {
  it('stored entries in 1 MiB reads (not 16 KiB stream chunks), bytes exact; deflated and empty entries as before', async () => {
    const entries = await readAll(zipPath);
    const stored = entries.get('B/data/scan.jpg')!;
    expect(Buffer.concat(stored).equals(scan)).toBe(true);
    expect(stored[0]!.length).toBe(1024 * 1024);
    expect(stored.length).toBe(4);
    expect(Buffer.concat(entries.get('B/bagit.txt')!).equals(tag)).toBe(true);
    expect(Buffer.concat(entries.get('B/data/empty.txt')!).length).toBe(0);
  });

  it('a stored entry whose bytes are cut short fails as corrupt', async () => {
    const cut = path.join(dir, 'cut.zip');
    const buf = fs.readFileSync(zipPath);
    const at = buf.indexOf(scan.subarray(1_000_000, 1_000_064));
    // Drop 64 bytes inside the stored data: the entry's span now ends inside the next header.
    fs.writeFileSync(cut, Buffer.concat([buf.subarray(0, at), buf.subarray(at + 64)]));
    await expect(readAll(cut)).rejects.toMatchObject({ code: expect.stringMatching(/^BAG_ZIP_(CORRUPT|UNREADABLE)$/) });
  });
});
