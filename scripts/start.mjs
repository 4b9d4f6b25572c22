#!/usr/bin/env node
// `npm start`: build what is not built (mediasoup worker, OCR data, client), then run the server
// in this process. Everything comes from the npm registry and Debian; nothing is downloaded here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, what) {
  console.log(`[start] ${what}…`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] ${what} failed (exit ${r.status}). Fix the error above, then run npm start again.`);
    process.exit(r.status ?? 1);
  }
}

/** Newest modification time under a folder (skipping node_modules). */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const workerBin = process.env.MEDIASOUP_WORKER_BIN ?? path.join(root, 'node_modules/mediasoup/worker/out/Release/mediasoup-worker');
if (!fs.existsSync(workerBin)) run('bash', ['scripts/install/build-mediasoup-worker.sh'], 'building the mediasoup worker');

if (!fs.existsSync(path.join(root, '.ocr-data/chi_sim.traineddata.gz')) && !process.env.OCR_DATA_DIR)
  run(process.execPath, ['scripts/install/install-ocr-data.mjs'], 'installing OCR language data');

const distIndex = path.join(root, 'client/dist/index.html');
const sourcesNewest = Math.max(newestMtime(path.join(root, 'client')), newestMtime(path.join(root, 'shared/src')));
if (!fs.existsSync(distIndex) || fs.statSync(distIndex).mtimeMs < sourcesNewest)
  run('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], 'building the client');

const { register } = await import('tsx/esm/api');
register();
await import('../server/src/main.ts');
