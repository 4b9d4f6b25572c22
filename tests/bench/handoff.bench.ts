/**
 * `npm run bench:handoff`: builds and verifies signed BagIt handoff bags of generated scans
 * (10 MB, 100 MB, 1 GB by default; HANDOFF_BENCH_SIZES=10,100 to choose, in MB) and prints
 * MB/s next to coreutils `sha256sum` over the same files in the same run, plus peak RSS.
 * Target: build+hash ≥ 70% of sha256sum's throughput, with memory flat across sizes.
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBagStream, type PayloadFile } from '@tongban/server/handoff/bag/bagWriter';
import { verifyBag } from '@tongban/server/handoff/bag/bagVerifier';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';

const MB = 1024 * 1024;
const sizes = (process.env.HANDOFF_BENCH_SIZES ?? '10,100,1024').split(',').map((s) => Number(s.trim()));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-bench-'));
const keys = new SiteKeyring(path.join(root, 'keys'), 'gd', undefined);
const trusted = [{ ...keys.signingKey(), site: 'gd' }];

/** Scan-like files: incompressible bytes (as JPEG/PDF scans are), 1.5–6 MB each. */
function generate(dir: string, totalBytes: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const block = Buffer.alloc(6 * MB);
  let left = totalBytes;
  for (let i = 0; left > 0; i++) {
    const size = Math.min(left, Math.round(1.5 * MB + ((i * 2654435761) % (4.5 * MB))));
    randomFillSync(block, 0, size);
    const f = path.join(dir, `scan-${String(i).padStart(4, '0')}.jpg`);
    fs.writeFileSync(f, block.subarray(0, size));
    files.push(f);
    left -= size;
  }
  return files;
}

/** Runs fn while sampling RSS every 20 ms; returns seconds and peak RSS. */
async function measure(fn: () => Promise<unknown> | unknown): Promise<{ seconds: number; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { seconds, peakRss: Math.max(peak, process.memoryUsage().rss) };
}

const rows: string[][] = [];
try {
  for (const sizeMb of sizes) {
    const dir = path.join(root, `payload-${sizeMb}`);
    const files = generate(dir, sizeMb * MB);
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const mbytes = bytes / MB;
    const zip = path.join(root, `bag-${sizeMb}.zip`);

    // Same files, same run, page cache warm for everyone: sha256sum first.
    const sum = await measure(() => execFileSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 * MB }));
    const payload: PayloadFile[] = files.map((f) => ({
      path: `materials/${path.basename(f)}`,
      size: fs.statSync(f).size,
      open: () => fs.createReadStream(f, { highWaterMark: MB }),
    }));
    const build = await measure(async () => {
      const { stream, summary } = createBagStream({
        root: `BENCH-${sizeMb}`,
        info: [['External-Identifier', `BENCH-${sizeMb}`]],
        payload,
        signer: keys.signingKey(),
        mtime: new Date(),
      });
      await Promise.all([pipeline(stream, fs.createWriteStream(zip)), summary]);
    });
    const verify = await measure(async () => {
      const r = await verifyBag(zip, { trusted, limits: { maxTotalBytes: 8 * 1024 * MB } });
      if (!r.ok) throw new Error(`bench bag invalid: ${JSON.stringify(r.problems)}`);
    });
    const rate = (s: number) => mbytes / s;
    rows.push([
      `${sizeMb} MB`,
      String(files.length),
      rate(sum.seconds).toFixed(0),
      rate(build.seconds).toFixed(0),
      `${((rate(build.seconds) / rate(sum.seconds)) * 100).toFixed(0)}%`,
      rate(verify.seconds).toFixed(0),
      `${((rate(verify.seconds) / rate(sum.seconds)) * 100).toFixed(0)}%`,
      (Math.max(build.peakRss, verify.peakRss) / MB).toFixed(0),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(zip, { force: true });
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

const header = [
  'payload',
  'files',
  'sha256sum MB/s',
  'build MB/s (sha256+sha512+zip)',
  'build/sha256sum',
  'verify MB/s',
  'verify/sha256sum',
  'peak RSS MB',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\nHandoff bag benchmark (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, Node ${process.version})`);
console.log(fmt(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(fmt(r));
console.log('Target: build/sha256sum ≥ 70%, peak RSS flat across sizes.');
