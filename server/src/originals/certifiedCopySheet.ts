import { rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { CERTIFIED_COPY_WORDING } from '@tongban/shared/cases/originalCheck';
import { A4, createA4Sheet, drawWrapped, sheetDate } from '../pdf/a4Pdf';

/**
 * 核验件: the scan's pages on A4, each with the certification stamp in a band below the page
 * image (never over it, so nothing of the copy is hidden): the standard wording, who checked it
 * against the original, at which office, on which day and how, and where the page belongs.
 */
export interface CertifiedCopyData {
  caseNo: string;
  /** The material as the catalogue names it. */
  materialName: string;
  checkedByName: string;
  office: string;
  /** China calendar date of the check, YYYY-MM-DD. */
  checkedOn: string;
  /** How it was checked, in words (窗口纸质原件). */
  method: string;
}

/** Calls `onPage` for each page image (JPEG) in order, with the page count; returns the count. */
export type PageSource = (onPage: (jpeg: Buffer, index: number, count: number) => Promise<void>) => Promise<number>;

const MARGIN = 36;
const BAND = 96;
const STAMP_WIDTH = 250;
const RED = rgb(0.75, 0.08, 0.08);

export async function renderCertifiedCopy(d: CertifiedCopyData, pages: PageSource): Promise<{ pdf: Uint8Array; pages: number }> {
  const sheet = await createA4Sheet(`核验件 ${d.caseNo} ${d.materialName}`);
  const { pdf, font } = sheet;
  const [width, height] = A4;
  const count = await pages(async (jpeg, index, total) => {
    const page = index === 0 ? sheet.page : pdf.addPage(A4);
    const image = await pdf.embedJpg(jpeg);
    // The page image as large as it fits above the band, centred, its proportions kept.
    const box = { w: width - MARGIN * 2, h: height - MARGIN * 2 - BAND };
    const scale = Math.min(box.w / image.width, box.h / image.height);
    const [w, h] = [image.width * scale, image.height * scale];
    page.drawImage(image, { x: (width - w) / 2, y: MARGIN + BAND + (box.h - h) / 2, width: w, height: h });
    stamp(page, font, d, index, total);
  });
  return { pdf: await pdf.save(), pages: count };
}

function stamp(page: PDFPage, font: PDFFont, s: CertifiedCopyData, index: number, total: number): void {
  const [width] = A4;
  const text = (t: string, x: number, y: number, size: number, color = rgb(0, 0, 0)) => page.drawText(t, { x, y, size, font, color });
  const bandTop = MARGIN + BAND - 8;
  // Where the page belongs, at the left of the band.
  text(`办件编号：${s.caseNo}`, MARGIN, bandTop - 12, 9);
  drawWrapped(page, font, `材料：${s.materialName}`, MARGIN, bandTop - 26, width - MARGIN * 2 - STAMP_WIDTH - 14, 9);
  text(`第 ${index + 1} 页 / 共 ${total} 页`, MARGIN, MARGIN + 8, 9);
  // The stamp itself, boxed in red at the right.
  const x = width - MARGIN - STAMP_WIDTH;
  page.drawRectangle({ x, y: MARGIN, width: STAMP_WIDTH, height: bandTop - MARGIN, borderColor: RED, borderWidth: 1.5 });
  const inner = x + 10;
  text(CERTIFIED_COPY_WORDING, inner, bandTop - 22, 15, RED);
  text(`核对人：${s.checkedByName}    日期：${sheetDate(s.checkedOn)}`, inner, bandTop - 40, 9);
  drawWrapped(page, font, `核对单位：${s.office}`, inner, bandTop - 54, STAMP_WIDTH - 20, 9);
  text(`核对方式：${s.method}`, inner, MARGIN + 8, 9);
}
