// Run under `unshare -n` (no network at all): renders a Chinese line with the bundled CJK font,
// recognises it with tesseract.js using only the installed language data, prints JSON.
import path from 'node:path';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { createWorker, OEM, PSM } from 'tesseract.js';

const require = createRequire(import.meta.url);
const [langPath, text] = process.argv.slice(2);
if (!langPath || !text) throw new Error('usage: recogniseChinese.ts LANG_DIR TEXT');

const fontDir = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
GlobalFonts.registerFromPath(path.join(fontDir, '400Regular/NotoSansSC_400Regular.ttf'), 'Noto Sans SC');
const canvas = createCanvas(60 * text.length + 80, 120);
const g = canvas.getContext('2d');
g.fillStyle = '#fff';
g.fillRect(0, 0, canvas.width, canvas.height);
g.fillStyle = '#000';
g.font = '56px "Noto Sans SC"';
g.fillText(text, 40, 80);

const worker = await createWorker('chi_sim+eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_LINE });
const { data } = await worker.recognize(canvas.toBuffer('image/png'));
await worker.terminate();
console.log(JSON.stringify({ text: data.text.replace(/\s+/g, ''), confidence: data.confidence }));
