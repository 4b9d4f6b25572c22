import fs from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

/** The printed A4 sheets (交接单, 收件回执, 补正通知书, 核验件): a CJK font, QR codes, wrapped lines. */

export const A4: [number, number] = [595.28, 841.89];
export const MARGIN = 48;
let fontBytes: Buffer | undefined;

function cjkFont(): Buffer {
  if (!fontBytes) {
    const require = createRequire(import.meta.url);
    fontBytes = fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  }
  return fontBytes;
}

/**
 * @pdf-lib/fontkit 1.1.1 writes a TrueType subset with the short `loca` format (offsets halved)
 * without padding odd-length glyph records, so every glyph after an odd one is read from the
 * wrong byte and prints blank (pdf-lib issue #1232; fixed upstream in fontkit 1.8). Padding each
 * glyph record to an even length, as upstream does, keeps the halved offsets exact.
 */
let patchedFontkit = false;
function evenGlyphFontkit(): typeof fontkit {
  if (patchedFontkit) return fontkit;
  type SubsetProto = { _addGlyph(this: SubsetState, gid: number): number };
  type GlyphRecord = { length: number; copy(target: GlyphRecord, at: number): void; constructor: { alloc(n: number): GlyphRecord } };
  type SubsetState = { glyf: GlyphRecord[]; offset: number };
  const proto = Object.getPrototypeOf(fontkit.create(cjkFont()).createSubset()) as SubsetProto;
  const addGlyph = proto._addGlyph;
  proto._addGlyph = function (gid) {
    const index = addGlyph.call(this, gid);
    if (this.offset % 2 === 1) {
      // Same Buffer class as the record (the UMD build bundles its own Buffer polyfill).
      const record = this.glyf[index]!;
      const padded = record.constructor.alloc(record.length + 1);
      record.copy(padded, 0);
      this.glyf[index] = padded;
      this.offset += 1;
    }
    return index;
  };
  patchedFontkit = true;
  return fontkit;
}

export interface A4Sheet {
  pdf: PDFDocument;
  page: PDFPage;
  font: PDFFont;
}

/** A new one-page A4 document with the CJK font embedded (subset to the glyphs drawn). */
export async function createA4Sheet(title: string): Promise<A4Sheet> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(evenGlyphFontkit());
  pdf.setTitle(title);
  pdf.setCreator('Tongban Desk');
  const font = await pdf.embedFont(cjkFont(), { subset: true });
  return { pdf, page: pdf.addPage(A4), font };
}

/** Draws a QR code of `text` with its top-right corner `top` points below the page's top margin, right-aligned. */
export async function drawQr(sheet: A4Sheet, text: string, size: number, top = 10): Promise<void> {
  const png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  const qr = await sheet.pdf.embedPng(png);
  const [width, height] = A4;
  sheet.page.drawImage(qr, { x: width - MARGIN - size, y: height - MARGIN - size + top, width: size, height: size });
}

/** A China calendar date (YYYY-MM-DD) as the printed sheets write it: 2026年1月5日. */
export function sheetDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Draws text, breaking lines by width (CJK text has no spaces to break at); returns how many lines it took. */
export function drawWrapped(page: PDFPage, font: PDFFont, s: string, x: number, y: number, maxWidth: number, size: number): number {
  let lineText = '';
  let lineY = y;
  let lines = 1;
  for (const ch of s) {
    if (font.widthOfTextAtSize(lineText + ch, size) > maxWidth && lineText) {
      page.drawText(lineText, { x, y: lineY, size, font });
      lineText = '';
      lineY -= size + 3;
      lines++;
    }
    lineText += ch;
  }
  if (lineText) page.drawText(lineText, { x, y: lineY, size, font });
  return lines;
}
