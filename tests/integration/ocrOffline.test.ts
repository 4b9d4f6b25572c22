import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@tongban/server/config/config';

const root = path.resolve(import.meta.dirname, '../..');
const LANGS = ['chi_sim', 'eng', 'osd'];

describe('offline OCR data (installed by npm install)', () => {
  const { ocrDataDir } = loadConfig({});

  it('has chi_sim, eng and osd best_int data from the npm registry packages, byte for byte', () => {
    for (const lang of LANGS) {
      const installed = path.join(ocrDataDir, `${lang}.traineddata.gz`);
      expect(fs.existsSync(installed), `${installed} missing — run: node scripts/install/install-ocr-data.mjs`).toBe(true);
      const source = path.join(root, 'node_modules/@tesseract.js-data', lang, '4.0.0_best_int', `${lang}.traineddata.gz`);
      expect(fs.readFileSync(installed).equals(fs.readFileSync(source))).toBe(true);
    }
  });

  it('recognises a generated Chinese line with no network at all (unshare -n)', () => {
    const canUnshare = spawnSync('unshare', ['-n', 'true']).status === 0;
    expect(canUnshare, 'unshare -n must work (run as root; Debian util-linux)').toBe(true);
    const text = '跨省通办视频审查';
    // An empty working directory proves nothing is read from or written to it (cacheMethod 'none').
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-ocr-offline-'));
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
    try {
      const out = execFileSync(
        'unshare',
        [
          '-n',
          process.execPath,
          '--import',
          tsx,
          path.join(import.meta.dirname, '../support/offline/recogniseChinese.ts'),
          ocrDataDir,
          text,
        ],
        { cwd, encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const result = JSON.parse(out.trim().split('\n').pop()!) as { text: string; confidence: number };
      expect(result.text).toBe(text);
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
