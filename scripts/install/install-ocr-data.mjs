#!/usr/bin/env node
// Copies the OCR language data the server reads (tesseract.js `langPath`) out of the npm
// registry's @tesseract.js-data packages into one folder: `.ocr-data/` at the repo root, or
// OCR_DATA_DIR. Only the LSTM "best_int" variant: the packages' default (legacy + LSTM) is 10×
// larger and slower to load. `osd` (page orientation) is a legacy-engine model in either variant;
// the server's OSD worker loads it with tesseract.js's legacy core. Idempotent: files already
// present with the same size are kept.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const LANGS = ['chi_sim', 'eng', 'osd'];
const VARIANT = '4.0.0_best_int';

const root = path.resolve(import.meta.dirname, '../..');
const target = path.resolve(root, process.env.OCR_DATA_DIR || '.ocr-data');
// Resolve from the server workspace, which declares the packages as dependencies.
const require = createRequire(path.join(root, 'server', 'package.json'));

function sourceFor(lang) {
  let pkgJson;
  try {
    pkgJson = require.resolve(`@tesseract.js-data/${lang}/package.json`);
  } catch {
    throw new Error(
      `OCR language package @tesseract.js-data/${lang} is not installed. Run \`npm install\` at the repo root ` +
        `(it is a dependency of @tongban/server).\n缺少 OCR 语言包 @tesseract.js-data/${lang}，请在项目根目录运行 npm install。`,
    );
  }
  const file = path.join(path.dirname(pkgJson), VARIANT, `${lang}.traineddata.gz`);
  if (!fs.existsSync(file)) {
    throw new Error(`@tesseract.js-data/${lang} has no ${VARIANT}/${lang}.traineddata.gz (unexpected package version?)`);
  }
  return file;
}

try {
  const sources = LANGS.map((lang) => [lang, sourceFor(lang)]);
  fs.mkdirSync(target, { recursive: true });
  let copied = 0;
  for (const [lang, src] of sources) {
    const dest = path.join(target, `${lang}.traineddata.gz`);
    const size = fs.statSync(src).size;
    if (fs.existsSync(dest) && fs.statSync(dest).size === size) continue;
    // Copy then rename, so an interrupted install never leaves a truncated file behind.
    fs.copyFileSync(src, `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
    copied++;
  }
  console.log(
    `OCR data: ${LANGS.join(', ')} (${VARIANT}) in ${path.relative(root, target) || '.'}${copied ? ` — ${copied} copied` : ' — up to date'}`,
  );
} catch (e) {
  console.error(`install-ocr-data: ${e.message}`);
  process.exit(1);
}
