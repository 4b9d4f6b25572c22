/**
 * `npm run bench:handoff`: builds and verifies signed BagIt handoff bags of generated scans
 * (10 MB, 100 MB, 1 GB by default; HANDOFF_BENCH_SIZES=10,100 to choose, in MB) and prints
 * MB/s next to coreutils `sha256sum` over the same files in the same run (the anchor), plus peak
 * RSS. Each size is measured HANDOFF_BENCH_REPS times (default 3; small sizes more, until 256 MB
 * have passed, as their few tens of milliseconds move with any scheduling hiccup), anchor and
 * product interleaved; the table shows medians and the ratio's range. A tiny bag is built and
 * verified first so the first size is not charged for JIT warm-up (sha256sum has none), which a
 * long-running server pays once.
 * This machine is a VM whose balloon driver hands RAM that stays free for ~2 s back to the host;
 * writing into such pages costs 3–7 s of kernel time per GB (`dd` of 1 GB: 0.2 s right after a
 * delete, 7.5 s ten seconds later). A server whose page cache is full never pays that, and
 * sha256sum, writing nothing, never sees it. So each bag is written over a file of its size already
 * in the page cache (then cut to length), and the table prints how fast that file's first write
 * into fresh pages went, so the host's cost still shows.
 * Targets: verify ≥ 80 % of sha256sum at every size; build ≥ 80 % at 1 GB; memory flat.
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
const reps = Number(process.env.HANDOFF_BENCH_REPS ?? 3);
const VERIFY_TARGET = 0.8;
const BUILD_TARGET = 0.8;
const BUILD_TARGET_FROM_MB = 1024;
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

/** A file of `bytes` written once (MB/s of that write into fresh pages), for bags to be written over. */
function cachedFile(file: string, bytes: number): number {
  const block = Buffer.alloc(8 * MB);
  const t0 = performance.now();
  const fd = fs.openSync(file, 'w');
  for (let left = bytes; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(left, block.length));
  fs.closeSync(fd);
  return bytes / MB / ((performance.now() - t0) / 1000);
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

async function buildBag(files: string[], zip: string, name: string): Promise<void> {
  const payload: PayloadFile[] = files.map((f) => ({
    path: `materials/${path.basename(f)}`,
    size: fs.statSync(f).size,
    open: () => fs.createReadStream(f, { highWaterMark: MB }),
  }));
  const { stream, summary } = createBagStream({
    root: name,
    info: [['External-Identifier', name]],
    payload,
    signer: keys.signingKey(),
    mtime: new Date(),
  });
  // Over the file in place ('r+' keeps its pages), then cut to the bag's length.
  const out = fs.createWriteStream(zip, { flags: fs.existsSync(zip) ? 'r+' : 'w' });
  await Promise.all([pipeline(stream, out), summary]);
  fs.truncateSync(zip, out.bytesWritten);
}

async function verify(zip: string): Promise<void> {
  const r = await verifyBag(zip, { trusted, limits: { maxTotalBytes: 8 * 1024 * MB } });
  if (!r.ok) throw new Error(`bench bag invalid: ${JSON.stringify(r.problems)}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const spread = (xs: number[]) => `${pct(median(xs))} (${pct(Math.min(...xs))}–${pct(Math.max(...xs))})`;

const rows: string[][] = [];
const verdicts: string[] = [];
try {
  {
    const warm = generate(path.join(root, 'warm'), 2 * MB);
    const zip = path.join(root, 'warm.zip');
    await buildBag(warm, zip, 'WARM');
    await verify(zip);
    execFileSync('sha256sum', warm, { stdio: 'ignore' });
  }
  for (const sizeMb of sizes) {
    const dir = path.join(root, `payload-${sizeMb}`);
    const files = generate(dir, sizeMb * MB);
    // Scans a bag is built from have long been on disk: the generated ones' writeback is not the build's cost.
    execFileSync('sync');
    const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    const mbytes = bytes / MB;
    const zip = path.join(root, `bag-${sizeMb}.zip`);
    const rate = (s: number) => mbytes / s;
    const sums: number[] = [];
    const builds: number[] = [];
    const verifies: number[] = [];
    const buildRatios: number[] = [];
    const verifyRatios: number[] = [];
    const firstWrite = cachedFile(zip, bytes + MB);
    let peak = 0;
    const sizeReps = Math.max(reps, Math.ceil(256 / sizeMb));
    for (let rep = 0; rep < sizeReps; rep++) {
      // Same files, same run, page cache warm for everyone: sha256sum first, each repetition.
      const sum = await measure(() => execFileSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 64 * MB }));
      const build = await measure(() => buildBag(files, zip, `BENCH-${sizeMb}`));
      const ver = await measure(() => verify(zip));
      sums.push(rate(sum.seconds));
      builds.push(rate(build.seconds));
      verifies.push(rate(ver.seconds));
      buildRatios.push(sum.seconds / build.seconds);
      verifyRatios.push(sum.seconds / ver.seconds);
      peak = Math.max(peak, build.peakRss, ver.peakRss);
      execFileSync('sync');
    }
    fs.rmSync(zip, { force: true });
    rows.push([
      `${sizeMb} MB`,
      String(files.length),
      String(sizeReps),
      median(sums).toFixed(0),
      median(builds).toFixed(0),
      spread(buildRatios),
      median(verifies).toFixed(0),
      spread(verifyRatios),
      (peak / MB).toFixed(0),
      firstWrite.toFixed(0),
    ]);
    const v = median(verifyRatios);
    verdicts.push(`${sizeMb} MB verify ${pct(v)} of sha256sum (target ≥ ${pct(VERIFY_TARGET)}): ${v >= VERIFY_TARGET ? 'MET' : 'NOT MET'}`);
    if (sizeMb >= BUILD_TARGET_FROM_MB) {
      const b = median(buildRatios);
      verdicts.push(`${sizeMb} MB build ${pct(b)} of sha256sum (target ≥ ${pct(BUILD_TARGET)}): ${b >= BUILD_TARGET ? 'MET' : 'NOT MET'}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

const header = [
  'payload',
  'files',
  'reps',
  'sha256sum MB/s (anchor)',
  'build MB/s (sha256+sha512+zip)',
  'build/sha256sum median (range)',
  'verify MB/s',
  'verify/sha256sum median (range)',
  'peak RSS MB',
  'first write of the bag file MB/s (untimed)',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\nHandoff bag benchmark (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, Node ${process.version})`);
console.log(fmt(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(fmt(r));
for (const v of verdicts) console.log(v);
console.log('Peak RSS should stay flat across sizes.');
