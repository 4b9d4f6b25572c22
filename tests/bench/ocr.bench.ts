/**
 * `npm run bench:ocr`: OCR pre-check benchmark. Generates labelled scans (ID-card-like images and an
 * A4 300-dpi form, clean and degraded), then per sample: tesseract.js (our pool) vs the native
 * `tesseract` CLI (OMP_THREAD_LIMIT=1) on the same normalised image with the same psm — our time
 * includes straightening the page (measuring its skew and turning it, timed on its own as normalise
 * does it on the gray page), native's its own layout analysis; 'deskew s' is that share of ours — the
 * time ratio, character error rate, whether the ID number and the name were read exactly, and for
 * 户口簿 pages the required fields found. Then camera captures (card size in the photo × encoding:
 * does the ID number survive?), pages per minute with the whole pool vs native
 * one-process-per-core, and peak RSS over 100 pages. Timings are the median of OCR_BENCH_REPS runs
 * (default 5; the degraded A4 form over 11), the ratio's range beside it; that one says MET / NOT MET against
 * ≤ 1.0× native with its fields exact.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { OcrPool } from '@tongban/server/precheck/OcrPool';
import sharp, { type Sharp } from 'sharp';
import { decodeGray, normalise, straightening, DEFAULT_LIMITS } from '@tongban/server/precheck/preprocess';
import { applyStep } from '@tongban/server/precheck/pageGeometry';
import { recognizeMaterial, psmFor } from '@tongban/server/precheck/recognizeMaterial';
// The pool reads its lines from the same TSV: one parser, so one extractor judges both.
import { tsvLines } from '@tongban/server/precheck/tsvLines';
import {
  degrade,
  renderFormPage,
  renderHouseholdRegisterPage,
  renderIdCardFront,
  type IdCardFront,
} from '@tongban/server/demo/scanRenderer';
import { SLOT_PRESETS } from '@tongban/shared/precheck/slots';
import { extractFields } from '@tongban/shared/precheck/rules';
import { findIdNumber } from '@tongban/shared/precheck/text';
import type { MaterialSlotRules, OcrLine } from '@tongban/shared/precheck/types';
import { idNumber } from '../support/precheckFixtures';

const run = promisify(execFile);
const cores = os.availableParallelism();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ocr-bench-'));
const config = loadConfig({}, { LOG_LEVEL: 'silent' });
const cardSlot: MaterialSlotRules = { ...SLOT_PRESETS['id-card-front'], rules: [...SLOT_PRESETS['id-card-front'].rules] };
const formSlot: MaterialSlotRules = { kind: 'application-form', rules: ['required-fields'], requiredFields: ['姓名'] };
const hukouSlot: MaterialSlotRules = {
  ...SLOT_PRESETS['household-register'],
  rules: [...SLOT_PRESETS['household-register'].rules],
  requiredFields: [...SLOT_PRESETS['household-register'].requiredFields],
};

const PEOPLE: Array<Omit<IdCardFront, 'idNumber'> & { id17: string }> = [
  {
    name: '张晓明',
    sex: '男',
    ethnicity: '汉',
    birth: '1990-03-07',
    address: '广东省广州市天河区天河路123号华景花园5栋1203房',
    id17: '11010519900307123',
  },
  { name: '李秀英', sex: '女', ethnicity: '汉', birth: '1968-11-21', address: '湖南省长沙市岳麓区麓山南路88号', id17: '43010419681121002' },
  {
    name: '王建国',
    sex: '男',
    ethnicity: '回',
    birth: '1955-01-30',
    address: '四川省成都市武侯区人民南路四段12号',
    id17: '51010719550130003',
  },
  {
    name: '欧阳静',
    sex: '女',
    ethnicity: '汉',
    birth: '2001-07-15',
    address: '广东省深圳市南山区科技园南区深南大道9988号',
    id17: '44030520010715004',
  },
  {
    name: '陈志强',
    sex: '男',
    ethnicity: '壮',
    birth: '1979-09-09',
    address: '广西壮族自治区南宁市青秀区民族大道100号',
    id17: '45010319790909005',
  },
  { name: '赵丽', sex: '女', ethnicity: '满', birth: '1985-12-01', address: '辽宁省沈阳市和平区南京北街5号', id17: '21010219851201006' },
];
const DEGRADE = { rotateDeg: 3, noise: 22, blur: 1.1, jpegQuality: 60 };

interface Sample {
  label: string;
  image: Buffer;
  slot: MaterialSlotRules;
  truth: string;
  name?: string;
  idNumber?: string;
  /** Required labelled fields and their true values (户口簿). */
  required?: Record<string, string>;
}

function cardTruth(p: IdCardFront): string {
  const [y, m, d] = p.birth.split('-').map(Number);
  return `姓名${p.name}性别${p.sex}民族${p.ethnicity}出生${y}年${m}月${d}日住址${p.address}公民身份号码${p.idNumber}`;
}

async function samples(): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const p of PEOPLE) {
    const person: IdCardFront = { ...p, idNumber: idNumber(p.id17) };
    const clean = await renderIdCardFront(person);
    const base = { slot: cardSlot, truth: cardTruth(person), name: person.name, idNumber: person.idNumber };
    out.push({ label: `card ${person.name} clean`, image: clean, ...base });
    out.push({ label: `card ${person.name} degraded`, image: await degrade(clean, DEGRADE), ...base });
  }
  const fields: Array<[string, string]> = [
    ['姓名', '张晓明'],
    ['公民身份号码', idNumber('11010519900307123')],
    ['联系电话', '13800138000'],
    ['参保地', '湖南省长沙市'],
    ['通讯地址', '广东省广州市天河区天河路123号华景花园5栋1203房'],
    ['申请事由', '工作调动，需要将社会保障卡关系转移到新的工作地，特此申请。'],
  ];
  const form = await renderFormPage({ title: '社会保障卡申领登记表', fields });
  const truth = '社会保障卡申领登记表' + fields.map(([l, v]) => l + v).join('') + '申请人（签字）：年月日';
  out.push({ label: 'A4 form clean', image: form, slot: formSlot, truth, idNumber: fields[1]![1] });
  out.push({
    label: 'A4 form degraded',
    image: await degrade(form, { ...DEGRADE, rotateDeg: 2 }),
    slot: formSlot,
    truth,
    idNumber: fields[1]![1],
  });

  const member = {
    name: '李秀英',
    relation: '户主',
    sex: '女' as const,
    ethnicity: '汉',
    birth: '1968-11-21',
    birthplace: '湖南省长沙市',
    nativePlace: '湖南长沙',
    idNumber: idNumber('43010419681121002'),
    address: '湖南省长沙市岳麓区麓山南路88号',
  };
  const hukou = await renderHouseholdRegisterPage(member);
  const [y, m, d] = member.birth.split('-').map(Number);
  const hukouTruth =
    `常住人口登记卡姓名${member.name}户主或与户主关系${member.relation}性别${member.sex}民族${member.ethnicity}出生地${member.birthplace}` +
    `出生日期${y}年${m}月${d}日籍贯${member.nativePlace}公民身份号码${member.idNumber}文化程度大学本科职业职员住址${member.address}`;
  const hukouBase = {
    slot: hukouSlot,
    truth: hukouTruth,
    idNumber: member.idNumber,
    required: { 姓名: member.name, 公民身份号码: member.idNumber, 住址: member.address },
  };
  out.push({ label: '户口簿 clean', image: hukou, ...hukouBase });
  out.push({ label: '户口簿 degraded', image: await degrade(hukou, DEGRADE), ...hukouBase });
  return out;
}

/**
 * What straightening adds to our pre-check: measuring the page's skew and turning it, on the gray
 * page normalise works on (decoded upright, at the working size), timed alone — not as the
 * difference of two whole normalisations, whose decode and median filter vary more than it costs.
 */
async function timeDeskew(image: Buffer): Promise<number> {
  const { page } = await decodeGray(image, await sharp(image).metadata(), DEFAULT_LIMITS);
  const t0 = performance.now();
  const step = straightening(page, false);
  if (step) await applyStep(page, step);
  return performance.now() - t0;
}

function cer(got: string, want: string): number {
  const a = [...got.replace(/\s/g, '')];
  const b = [...want.replace(/\s/g, '')];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]! / b.length;
}

async function native(file: string, psm: number): Promise<{ ms: number; lines: OcrLine[] }> {
  const t0 = performance.now();
  const { stdout } = await run('tesseract', [file, 'stdout', '-l', 'chi_sim+eng', '--psm', String(psm), 'tsv'], {
    env: { ...process.env, OMP_THREAD_LIMIT: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ms: performance.now() - t0, lines: tsvLines(stdout) };
}

/** Timings per sample (OCR_BENCH_REPS, default 5: native's own time moves by a third between runs here): medians in the table, the ratio's range beside. */
const REPS = Number(process.env.OCR_BENCH_REPS ?? 5);
/**
 * The worst case is judged against its target, and one run's ratio moves by ±20 % between
 * repetitions here (0.82–1.15 in one run, 0.76–1.26 in another): its median is taken over more.
 */
const WORST_CASE_REPS = Math.max(REPS, 11);
/** Issue 15's worst case: the degraded A4 form at ≤ 1.0× native time with its fields still exact. */
const WORST_CASE = 'A4 form degraded';
const WORST_TARGET = 1.0;
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const textOf = (lines: OcrLine[]) => lines.map((l) => l.text).join('');
const yes = (b: boolean | undefined) => (b === undefined ? '–' : b ? 'yes' : 'NO');

async function main(): Promise<void> {
  const pool = new OcrPool({ size: cores, langPath: config.ocrDataDir, timeoutMs: 120_000, log: createLogger('silent') });
  await pool.start();
  const list = await samples();
  // Warm every worker first (production keeps them warm): the first job of a fresh worker pays one-off set-up.
  const warm = await normalise(list[0]!.image, { limits: DEFAULT_LIMITS });
  await Promise.all(Array.from({ length: cores }, () => pool.recognize(warm.png, { psm: 6 })));
  console.log(
    `\nOCR benchmark — tesseract.js 7 (chi_sim+eng best_int, ${cores} workers) vs native ${(await run('tesseract', ['--version'])).stdout.split('\n')[0]} (OMP_THREAD_LIMIT=1), ${cores} cores\n`,
  );
  const rows: string[][] = [];
  let worst: { ratio: number; range: number[]; fieldsExact: boolean } | undefined;
  const totals = { cardId: [0, 0], cardIdDeg: [0, 0], name: [0, 0], nativeName: [0, 0], ratio: [] as number[] };
  for (const s of list) {
    // Like for like: one whole-page recognition of the same normalised image with the same psm.
    // Ours is straightened first, as the pre-check does (its cost timed on its own: timeDeskew);
    // native gets the page as scanned and deskews inside its own layout analysis.
    // Each timing REPS times, alternating ours and native; the medians go in the table, the
    // ratio's range beside it.
    const prepared = await normalise(s.image, { limits: DEFAULT_LIMITS, straighten: false });
    const straight = await normalise(s.image, { limits: DEFAULT_LIMITS });
    const file = path.join(tmp, `${rows.length}.png`);
    fs.writeFileSync(file, prepared.png);
    const psm = psmFor(s.slot);
    const timings: Array<{ js: number; native: number; deskew: number }> = [];
    let page: Awaited<ReturnType<OcrPool['recognize']>> | undefined;
    let nat: Awaited<ReturnType<typeof native>> | undefined;
    const reps = s.label === WORST_CASE ? WORST_CASE_REPS : REPS;
    for (let rep = 0; rep < reps; rep++) {
      const deskewMs = await timeDeskew(s.image);
      const t0 = performance.now();
      page = await pool.recognize(straight.png, { psm });
      const jsMs = performance.now() - t0 + deskewMs;
      nat = await native(file, psm);
      timings.push({ js: jsMs, native: nat.ms, deskew: deskewMs });
    }
    const jsMs = medianOf(timings.map((t) => t.js));
    const natMs = medianOf(timings.map((t) => t.native));
    const deskewMs = medianOf(timings.map((t) => t.deskew));
    const ratios = timings.map((t) => t.js / t.native);
    const ratio = medianOf(ratios);
    // The full pre-check (deskew, field crops read as lines, the ID photo cut in colour) — what the clerk waits for.
    const t1 = performance.now();
    const full = await recognizeMaterial(pool, s.image, s.slot, { limits: DEFAULT_LIMITS, onIdPhotoImage: async () => {} });
    const fullMs = performance.now() - t1;
    const fields = Object.fromEntries(full.fields.map((f) => [f.key, f.value]));
    const natFields = Object.fromEntries(
      extractFields(s.slot, [
        { index: 0, width: prepared.width, height: prepared.height, lines: nat!.lines, hash: '', inkRatio: 0.1, rotationDeg: 0 },
      ]).map((f) => [f.key, f.value]),
    );
    const idOf = (f: Record<string, string | undefined>, lines: OcrLine[]) =>
      f.idNumber ?? f['label:公民身份号码'] ?? findIdNumber(textOf(lines));
    const idOk = s.idNumber ? idOf(fields, full.pages[0]!.lines) === s.idNumber : undefined;
    const natIdOk = s.idNumber ? idOf(natFields, nat!.lines) === s.idNumber : undefined;
    const nameOk = s.name ? fields.name === s.name : undefined;
    const natNameOk = s.name ? natFields.name === s.name : undefined;
    const required = (got: Record<string, string | undefined>) => {
      if (!s.required) return '–';
      const labels = Object.keys(s.required);
      const found = labels.filter((l) => got[`label:${l}`]);
      const exact = labels.filter((l) => got[`label:${l}`]?.replace(/\s/g, '') === s.required![l]);
      return `${found.length}/${labels.length} (${exact.length} exact)`;
    };
    if (s.slot === cardSlot) {
      const bucket = s.label.endsWith('clean') ? totals.cardId : totals.cardIdDeg;
      bucket[0]! += idOk ? 1 : 0;
      bucket[1]! += 1;
      totals.name[0]! += nameOk ? 1 : 0;
      totals.name[1]! += 1;
      totals.nativeName[0]! += natNameOk ? 1 : 0;
      totals.nativeName[1]! += 1;
    }
    totals.ratio.push(ratio);
    if (s.label === WORST_CASE) worst = { ratio, range: ratios, fieldsExact: idOk === true && nameOk !== false };
    rows.push([
      s.label,
      String(psm),
      (jsMs / 1000).toFixed(2),
      (natMs / 1000).toFixed(2),
      `${ratio.toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      (deskewMs / 1000).toFixed(2),
      straight.skewDeg.toFixed(1),
      cer(textOf(page!.lines), s.truth).toFixed(3),
      cer(textOf(nat!.lines), s.truth).toFixed(3),
      `${yes(idOk)}/${yes(natIdOk)}`,
      `${yes(nameOk)}/${yes(natNameOk)}`,
      `${required(fields)} / ${required(natFields)}`,
      (fullMs / 1000).toFixed(2),
    ]);
  }
  table(
    [
      'sample',
      'psm',
      'js s',
      'native s',
      `ratio median (range of ${REPS}; worst case ${WORST_CASE_REPS})`,
      'deskew s',
      'skew°',
      'CER js',
      'CER native',
      'ID exact js/nat',
      'name exact js/nat',
      'required fields js / nat',
      'full pre-check s',
    ],
    rows,
  );
  const median = medianOf(totals.ratio);
  console.log(
    `\nID number exact (pre-check): clean ${totals.cardId[0]}/${totals.cardId[1]}, degraded ${totals.cardIdDeg[0]}/${totals.cardIdDeg[1]}; ` +
      `name exact: pre-check ${totals.name[0]}/${totals.name[1]}, native whole page ${totals.nativeName[0]}/${totals.nativeName[1]}; ` +
      `time ratio js/native median ${median.toFixed(2)}, max ${Math.max(...totals.ratio).toFixed(2)}`,
  );
  if (worst) {
    const met = worst.ratio <= WORST_TARGET && worst.fieldsExact;
    console.log(
      `${WORST_CASE}: ${worst.ratio.toFixed(2)}× native (median of ${WORST_CASE_REPS}, ${Math.min(...worst.range).toFixed(2)}–${Math.max(...worst.range).toFixed(2)}), ` +
        `fields ${worst.fieldsExact ? 'exact' : 'NOT exact'} (target ≤ ${WORST_TARGET.toFixed(1)}× with the fields exact): ${met ? 'MET' : 'NOT MET'}`,
    );
  }
  await cameraCaptures(pool, list.filter((s) => s.slot === cardSlot && s.label.endsWith('clean')).slice(0, 3));

  // Throughput and memory over 100 pages: the card samples (clean and degraded) cycled.
  const cards = list.filter((s) => s.slot === cardSlot);
  const pages = await Promise.all(
    Array.from({ length: 100 }, (_, i) => normalise(cards[i % cards.length]!.image, { limits: DEFAULT_LIMITS })),
  );
  const files = pages.map((p, i) => {
    const f = path.join(tmp, `tp${i}.png`);
    fs.writeFileSync(f, p.png);
    return f;
  });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  await Promise.all(pages.map((p) => pool.recognize(p.png, { psm: 6 })));
  const poolMin = (performance.now() - t0) / 60_000;
  clearInterval(sampler);
  const t1 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (next < files.length) await native(files[next++]!, 6);
    }),
  );
  const nativeMin = (performance.now() - t1) / 60_000;
  console.log('');
  table(
    ['throughput, 100 card pages', 'pages/min', 'vs native'],
    [
      [`tesseract.js pool (${cores} workers)`, (100 / poolMin).toFixed(1), (nativeMin / poolMin).toFixed(2)],
      [`native CLI, ${cores} processes`, (100 / nativeMin).toFixed(1), '1.00'],
    ],
  );
  console.log(`\nPeak RSS of this process (pool of ${cores} workers) over 100 pages: ${Math.round(peak / 1048576)} MB\n`);
  await pool.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}

/**
 * Camera captures of a card lying on a dark desk, 2° askew, the card this many pixels wide in the
 * photo (4K 高拍仪 over an A4 area ≈ 1100; a 720p webcam ≈ 450), encoded as the client sends it
 * (canvas.toBlob JPEG 0.92; libjpeg-turbo 4:2:0 here as in Chromium), at a lower JPEG quality, and
 * as PNG: is the ID number still read exactly?
 */
async function cameraCaptures(pool: OcrPool, cards: Sample[]): Promise<void> {
  const encodings: Array<[string, (img: Sharp) => Sharp]> = [
    ['JPEG q92', (img) => img.jpeg({ quality: 92 })],
    ['JPEG q75', (img) => img.jpeg({ quality: 75 })],
    ['PNG', (img) => img.png()],
  ];
  const rows: string[][] = [];
  for (const cardWidth of [1100, 640, 450]) {
    const row = [String(cardWidth)];
    for (const [, encode] of encodings) {
      let exact = 0;
      let bytes = 0;
      for (const s of cards) {
        const card = await sharp(s.image).resize({ width: cardWidth }).rotate(2, { background: '#303030' }).png().toBuffer();
        const meta = await sharp(card).metadata();
        const pad = Math.round(cardWidth * 0.3);
        const desk = sharp({
          create: { width: meta.width! + 2 * pad, height: meta.height! + 2 * pad, channels: 3, background: '#303030' },
        }).composite([{ input: card, left: pad, top: pad }]);
        const photo = await encode(sharp(await desk.png().toBuffer())).toBuffer();
        bytes += photo.length;
        const r = await recognizeMaterial(pool, photo, s.slot, { limits: DEFAULT_LIMITS, camera: true });
        if (r.fields.find((f) => f.key === 'idNumber')?.value === s.idNumber) exact++;
      }
      row.push(`${exact}/${cards.length} (${Math.round(bytes / cards.length / 1024)} KB)`);
    }
    rows.push(row);
  }
  console.log('');
  table(['camera: card width px', ...encodings.map(([name]) => `ID exact, ${name}`)], rows);
}

function table(head: string[], rows: string[][]): void {
  const width = (s: string) => [...s].reduce((n, c) => n + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c + ' '.repeat(w[i]! - width(c))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}

await main();
