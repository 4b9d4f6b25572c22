import path from 'node:path';
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';

/**
 * Realistic-looking scans of the materials a service hall receives, generated from data: the demo
 * case, the pre-check tests and the OCR benchmark all use them. Layouts follow the real documents
 * (居民身份证 2nd generation, 营业执照, 户口簿 常住人口登记卡, A4 forms) but carry no emblem or
 * photo of a real person — the portrait is a synthetic drawn face (see `portrait`).
 */

const FONT = 'Tongban Noto Sans SC';
const FONT_BOLD = 'Tongban Noto Sans SC Bold';
let fontsReady = false;

function ensureFonts(): void {
  if (fontsReady) return;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
  GlobalFonts.registerFromPath(path.join(dir, '400Regular', 'NotoSansSC_400Regular.ttf'), FONT);
  GlobalFonts.registerFromPath(path.join(dir, '700Bold', 'NotoSansSC_700Bold.ttf'), FONT_BOLD);
  fontsReady = true;
}

export interface IdCardFront {
  name: string;
  sex: '男' | '女';
  ethnicity: string;
  /** YYYY-MM-DD */
  birth: string;
  address: string;
  idNumber: string;
}
export interface IdCardBack {
  authority: string;
  /** YYYY-MM-DD or YYYY.MM.DD */
  validFrom: string;
  /** YYYY-MM-DD, YYYY.MM.DD or 长期 */
  validTo: string;
}
export interface BusinessLicence {
  name: string;
  uscc: string;
  legalRep: string;
  address: string;
  type?: string;
  capital?: string;
  established?: string;
  scope?: string;
}
export interface FormPage {
  title: string;
  fields: Array<[label: string, value: string]>;
}
export interface HouseholdRegisterPage {
  name: string;
  relation: string;
  sex: '男' | '女';
  ethnicity: string;
  birth: string;
  birthplace: string;
  nativePlace: string;
  idNumber: string;
  address: string;
  education?: string;
  occupation?: string;
}
export interface Degradation {
  rotateDeg?: number;
  /** Standard deviation of Gaussian noise in grey levels (0–255). */
  noise?: number;
  /** Gaussian blur sigma in pixels. */
  blur?: number;
  /** Output as JPEG at this quality (otherwise PNG). */
  jpegQuality?: number;
}

/** Card size at 300 dpi: 85.6 × 54 mm. */
export const ID_CARD_SIZE = { width: 1012, height: 638 } as const;
/** A4 at 300 dpi. */
export const A4_300DPI = { width: 2480, height: 3508 } as const;

type Ctx = SKRSContext2D;

function font(px: number, bold = false): string {
  return `${px}px "${bold ? FONT_BOLD : FONT}"`;
}

/** Draws text with extra spacing between characters, as on the printed cards. */
function spaced(ctx: Ctx, text: string, x: number, y: number, gap: number): number {
  let cx = x;
  for (const ch of text) {
    ctx.fillText(ch, cx, y);
    cx += ctx.measureText(ch).width + gap;
  }
  return cx;
}

/** Splits text into lines of at most `maxWidth` pixels in the current font. */
function wrap(ctx: Ctx, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const ch of text) {
    if (line && ctx.measureText(line + ch).width > maxWidth) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

function cardBackground(ctx: Ctx, w: number, h: number): void {
  const g = ctx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, '#eef4f7');
  g.addColorStop(0.5, '#f7f1e8');
  g.addColorStop(1, '#e9f0f4');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, w, h);
  // Fine guilloche-like waves, faint enough not to hide the text (as on real cards).
  ctx.strokeStyle = 'rgba(120,160,190,0.16)';
  ctx.lineWidth = 1.2;
  for (let k = 0; k < 26; k++) {
    ctx.beginPath();
    for (let x = 0; x <= w; x += 8) {
      const y = (k * h) / 24 + 10 * Math.sin(x / 37 + k) + 6 * Math.sin(x / 11 + k * 0.7);
      if (x === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  }
}

function scannerMargin(ctx: Ctx, w: number, h: number, inset: number): void {
  // A scanner bed around the card, so crop/deskew has an edge to find.
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.save();
  ctx.beginPath();
  ctx.roundRect(inset, inset, w - 2 * inset, h - 2 * inset, 28);
  ctx.clip();
}

/** Where the portrait sits on the card (card pixels at 300 dpi), right of the text, above the ID number. */
const PORTRAIT_ON_CARD = { x: 700, y: 80, w: 250, h: 310 } as const;
/** Scanner bed around an ID card in its scan, pixels. */
const CARD_SCAN_MARGIN = 24;

/**
 * Where `renderIdCardFront` draws the portrait, in pixels of the scan it returns (x1/y1 exclusive):
 * the truth tests compare the pre-check's photo region with.
 */
export const ID_CARD_FRONT_PORTRAIT = {
  x0: CARD_SCAN_MARGIN + PORTRAIT_ON_CARD.x,
  y0: CARD_SCAN_MARGIN + PORTRAIT_ON_CARD.y,
  x1: CARD_SCAN_MARGIN + PORTRAIT_ON_CARD.x + PORTRAIT_ON_CARD.w,
  y1: CARD_SCAN_MARGIN + PORTRAIT_ON_CARD.y + PORTRAIT_ON_CARD.h,
} as const;

/**
 * A synthetic ID photo — pale backdrop, hair, face with eyes and mouth, jacket — nobody real. Muted
 * tones: a near-black photo beside the 出生 row measurably disturbed tesseract's reading of that row.
 */
function portrait(ctx: Ctx, { x, y, w, h }: { x: number; y: number; w: number; h: number }): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.fillStyle = '#d3dee8';
  ctx.fillRect(x, y, w, h);
  const cx = x + w / 2;
  ctx.fillStyle = '#6a7488';
  ctx.beginPath();
  ctx.ellipse(cx, y + h * 1.04, w * 0.47, h * 0.4, 0, Math.PI, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#5a524c';
  ctx.beginPath();
  ctx.ellipse(cx, y + h * 0.37, w * 0.22, h * 0.21, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#e2c6aa';
  ctx.fillRect(cx - w * 0.08, y + h * 0.5, w * 0.16, h * 0.16);
  ctx.beginPath();
  ctx.ellipse(cx, y + h * 0.42, w * 0.18, h * 0.18, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#5a524c';
  for (const dx of [-0.08, 0.08]) {
    ctx.beginPath();
    ctx.ellipse(cx + w * dx, y + h * 0.41, w * 0.025, h * 0.012, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.strokeStyle = '#9a5a4a';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(cx - w * 0.06, y + h * 0.52);
  ctx.quadraticCurveTo(cx, y + h * 0.54, cx + w * 0.06, y + h * 0.52);
  ctx.stroke();
  ctx.restore();
}

function formatCnDate(iso: string): string {
  const [y, m, d] = iso.split(/[-.]/).map(Number);
  return `${y}年${m}月${d}日`;
}

function dotted(date: string): string {
  return date === '长期' ? date : date.replaceAll('-', '.');
}

async function toPng(canvas: Canvas): Promise<Buffer> {
  // Re-encode through sharp: a plain 8-bit RGB PNG like a scanner writes, 300 dpi metadata.
  return sharp(await canvas.encode('png'))
    .removeAlpha()
    .withMetadata({ density: 300 })
    .png()
    .toBuffer();
}

const LABEL_COLOUR = '#2a5d8f';
const VALUE_COLOUR = '#111111';

/** A printed card label: small blue characters, the two-character ones spread over the label column. */
function cardLabel(ctx: Ctx, text: string, x: number, y: number): void {
  ctx.font = font(28);
  ctx.fillStyle = LABEL_COLOUR;
  spaced(ctx, text, x, y, text.length === 2 ? 26 : 4);
}

function cardValue(ctx: Ctx, text: string, x: number, y: number, px = 34, bold = false): void {
  ctx.font = font(px, bold);
  ctx.fillStyle = VALUE_COLOUR;
  ctx.fillText(text, x, y);
}

/** An ID card on a scanner bed, its background drawn; the caller draws one face, then `finish`. */
function idCardScan(): { ctx: Ctx; finish: () => Promise<Buffer> } {
  ensureFonts();
  const margin = CARD_SCAN_MARGIN;
  const W = ID_CARD_SIZE.width + 2 * margin;
  const H = ID_CARD_SIZE.height + 2 * margin;
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  scannerMargin(ctx, W, H, margin);
  ctx.translate(margin, margin);
  cardBackground(ctx, ID_CARD_SIZE.width, ID_CARD_SIZE.height);
  return {
    ctx,
    finish: () => {
      ctx.restore();
      return toPng(canvas);
    },
  };
}

/** `portrait: false` leaves the photo out (a card the pre-check must say it found no photo on). */
export async function renderIdCardFront(p: IdCardFront, opts: { portrait?: boolean } = {}): Promise<Buffer> {
  const { ctx, finish } = idCardScan();
  ctx.textBaseline = 'alphabetic';
  cardLabel(ctx, '姓名', 70, 110);
  cardValue(ctx, p.name, 190, 112, 38, true);
  cardLabel(ctx, '性别', 70, 190);
  cardValue(ctx, p.sex, 190, 190);
  cardLabel(ctx, '民族', 330, 190);
  cardValue(ctx, p.ethnicity, 450, 190);
  cardLabel(ctx, '出生', 70, 270);
  const [by, bm, bd] = p.birth.split('-').map(Number);
  let x = 190;
  for (const [v, unit] of [
    [String(by), '年'],
    [String(bm), '月'],
    [String(bd), '日'],
  ] as const) {
    cardValue(ctx, v, x, 270);
    x += ctx.measureText(v).width + 10;
    cardLabel(ctx, unit, x, 270);
    x += ctx.measureText(unit).width + 22;
  }
  cardLabel(ctx, '住址', 70, 350);
  ctx.font = font(32);
  wrap(ctx, p.address, 430).forEach((line, i) => cardValue(ctx, line, 190, 350 + i * 48, 32));
  cardLabel(ctx, '公民身份号码', 70, 560);
  ctx.font = font(40);
  ctx.fillStyle = VALUE_COLOUR;
  spaced(ctx, p.idNumber, 345, 562, 5);
  if (opts.portrait !== false) portrait(ctx, PORTRAIT_ON_CARD);
  return finish();
}

export async function renderIdCardBack(p: IdCardBack): Promise<Buffer> {
  const { ctx, finish } = idCardScan();
  // A neutral mark where the emblem sits (not the emblem itself).
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 6;
  ctx.beginPath();
  ctx.arc(150, 150, 80, 0, Math.PI * 2);
  ctx.stroke();
  ctx.fillStyle = '#c0392b';
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 40 : 16;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    ctx.lineTo(150 + r * Math.cos(a), 150 + r * Math.sin(a));
  }
  ctx.fill();
  ctx.fillStyle = VALUE_COLOUR;
  ctx.font = font(44, true);
  spaced(ctx, '中华人民共和国', 320, 140, 14);
  ctx.font = font(64, true);
  spaced(ctx, '居民身份证', 330, 250, 22);

  cardLabel(ctx, '签发机关', 200, 470);
  cardValue(ctx, p.authority, 370, 472, 32);
  cardLabel(ctx, '有效期限', 200, 550);
  cardValue(ctx, `${dotted(p.validFrom)}-${dotted(p.validTo)}`, 370, 552, 32);
  return finish();
}

/** A sheet of paper of this colour filling the whole scan (documents are scanned edge to edge). */
function paperScan(W: number, H: number, colour: string): { canvas: Canvas; ctx: Ctx } {
  ensureFonts();
  const canvas = createCanvas(W, H);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, W, H);
  return { canvas, ctx };
}

export async function renderBusinessLicence(p: BusinessLicence): Promise<Buffer> {
  // A4 landscape at 300 dpi (the 副本 copy size most applicants bring).
  const W = A4_300DPI.height;
  const H = A4_300DPI.width;
  const { canvas, ctx } = paperScan(W, H, '#fbfaf6');
  ctx.strokeStyle = '#b8860b';
  ctx.lineWidth = 14;
  ctx.strokeRect(90, 90, W - 180, H - 180);
  ctx.lineWidth = 4;
  ctx.strokeRect(120, 120, W - 240, H - 240);

  ctx.fillStyle = VALUE_COLOUR;
  ctx.font = font(52);
  ctx.fillText('统一社会信用代码', 230, 330);
  ctx.font = font(56);
  ctx.fillText(p.uscc, 230, 420);
  ctx.font = font(150, true);
  ctx.fillStyle = '#8b1a1a';
  spaced(ctx, '营业执照', W / 2 - 420, 420, 40);
  ctx.font = font(56);
  ctx.fillStyle = VALUE_COLOUR;
  spaced(ctx, '（副本）', W / 2 - 130, 530, 6);

  const rows: Array<[string, string]> = [
    ['名称', p.name],
    ['类型', p.type ?? '有限责任公司（自然人投资或控股）'],
    ['法定代表人', p.legalRep],
    ['经营范围', p.scope ?? '一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广。'],
    ['注册资本', p.capital ?? '人民币伍佰万元整'],
    ['成立日期', p.established ? formatCnDate(p.established) : '2018年6月12日'],
    ['住所', p.address],
  ];
  let y = 800;
  for (const [label, value] of rows) {
    ctx.font = font(52, true);
    ctx.fillStyle = VALUE_COLOUR;
    spaced(ctx, label, 330, y, label.length <= 2 ? 80 : 6);
    ctx.font = font(52);
    const lines = wrap(ctx, value, W - 1200);
    lines.forEach((line, i) => ctx.fillText(line, 800, y + i * 76));
    y += 76 * Math.max(1, lines.length) + 50;
  }
  ctx.font = font(46);
  ctx.fillText('登记机关', W - 1000, H - 380);
  ctx.strokeStyle = '#c0392b';
  ctx.lineWidth = 10;
  ctx.beginPath();
  ctx.arc(W - 720, H - 420, 150, 0, Math.PI * 2);
  ctx.stroke();
  return toPng(canvas);
}

export async function renderFormPage(p: FormPage): Promise<Buffer> {
  const { width: W, height: H } = A4_300DPI;
  const { canvas, ctx } = paperScan(W, H, '#ffffff');
  ctx.fillStyle = VALUE_COLOUR;
  ctx.font = font(84, true);
  const tw = ctx.measureText(p.title).width;
  ctx.fillText(p.title, (W - tw) / 2, 360);

  const left = 220;
  const labelW = 620;
  const right = W - 220;
  let y = 520;
  ctx.lineWidth = 4;
  ctx.strokeStyle = '#222222';
  for (const [label, value] of p.fields) {
    ctx.font = font(50);
    const lines = wrap(ctx, value, right - left - labelW - 80);
    const rowH = Math.max(150, 70 * lines.length + 80);
    ctx.strokeRect(left, y, labelW, rowH);
    ctx.strokeRect(left + labelW, y, right - left - labelW, rowH);
    ctx.font = font(50, true);
    ctx.fillText(label, left + 40, y + rowH / 2 + 18);
    ctx.font = font(50);
    lines.forEach((line, i) => ctx.fillText(line, left + labelW + 40, y + (rowH - 70 * lines.length) / 2 + 70 * i + 52));
    y += rowH;
  }
  ctx.font = font(44);
  ctx.fillText('申请人（签字）：', left, Math.min(H - 400, y + 220));
  ctx.fillText('年    月    日', right - 600, Math.min(H - 400, y + 220));
  return toPng(canvas);
}

export async function renderHouseholdRegisterPage(p: HouseholdRegisterPage): Promise<Buffer> {
  // 常住人口登记卡: 143 × 105 mm at 300 dpi.
  const W = 1690;
  const H = 1240;
  const { canvas, ctx } = paperScan(W, H, '#f6f3ea');
  ctx.fillStyle = VALUE_COLOUR;
  ctx.font = font(58, true);
  spaced(ctx, '常住人口登记卡', W / 2 - 260, 110, 10);

  const rows: Array<Array<[string, string]>> = [
    [
      ['姓名', p.name],
      ['户主或与户主关系', p.relation],
    ],
    [
      ['性别', p.sex],
      ['民族', p.ethnicity],
    ],
    [
      ['出生地', p.birthplace],
      ['出生日期', formatCnDate(p.birth)],
    ],
    [['籍贯', p.nativePlace]],
    [['公民身份号码', p.idNumber]],
    [
      ['文化程度', p.education ?? '大学本科'],
      ['职业', p.occupation ?? '职员'],
    ],
    [['住址', p.address]],
  ];
  const left = 80;
  const right = W - 80;
  const rowH = 140;
  let y = 170;
  ctx.strokeStyle = '#5a4a3a';
  ctx.lineWidth = 3;
  for (const row of rows) {
    const cellW = (right - left) / row.length;
    row.forEach(([label, value], i) => {
      const x = left + i * cellW;
      ctx.strokeRect(x, y, cellW, rowH);
      ctx.font = font(34);
      ctx.fillStyle = '#3a3a3a';
      ctx.fillText(label, x + 20, y + 82);
      const lw = ctx.measureText(label).width;
      ctx.strokeRect(x, y, lw + 40, rowH);
      ctx.font = font(40);
      ctx.fillStyle = VALUE_COLOUR;
      const avail = cellW - lw - 80;
      const lines = wrap(ctx, value, avail);
      lines.forEach((line, k) => ctx.fillText(line, x + lw + 60, y + 82 + (k - (lines.length - 1) / 2) * 46));
    });
    y += rowH;
  }
  return toPng(canvas);
}

/** A scan as it arrives from a tired desk scanner: skewed, noisy, blurred, JPEG-compressed. */
export async function degrade(png: Buffer, d: Degradation): Promise<Buffer> {
  let img = sharp(png).removeAlpha();
  if (d.rotateDeg) img = img.rotate(d.rotateDeg, { background: '#ffffff' });
  if (d.blur && d.blur >= 0.3) img = img.blur(d.blur);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (d.noise) {
    let seed = 12345;
    const rand = () => {
      // Deterministic LCG so the same call gives the same scan (tests and benchmarks repeat).
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let i = 0; i < data.length; i += info.channels) {
      // Box–Muller: Gaussian grain, the same on each channel (sensor luminance noise).
      const n = Math.sqrt(-2 * Math.log(rand() + 1e-9)) * Math.cos(2 * Math.PI * rand()) * d.noise;
      for (let c = 0; c < info.channels; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(data[i + c]! + n)));
    }
  }
  const out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).withMetadata({ density: 300 });
  return d.jpegQuality ? out.jpeg({ quality: d.jpegQuality }).toBuffer() : out.png().toBuffer();
}
