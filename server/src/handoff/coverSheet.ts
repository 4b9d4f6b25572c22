import { rgb, type PDFFont } from 'pdf-lib';
import { chinaDateTime } from '@tongban/shared/cases/chinaTime';
import { formatHandoffQr } from '@tongban/shared/handoff/schemas';
import { A4, createA4Sheet, drawQr, drawWrapped, MARGIN } from '../pdf/a4Pdf';

/**
 * 交接单: the A4 sheet that travels in the courier envelope with the paper originals. The QR
 * carries the case number and the SHA-256 of the bag's tagmanifest-sha256.txt, so the receiving
 * clerk can pull up the online record and check it is the same bag.
 */

export interface CoverSheetData {
  caseNo: string;
  itemCode: string;
  itemName: string;
  intakeOffice: string;
  handlingOffice: string;
  applicantName: string;
  applicantIdMasked: string;
  /** The applicant's document as people name it (居民身份证, 港澳居民来往内地通行证…). */
  applicantIdDocument: string;
  originals: Array<{ name: string; copies: number; pages: number }>;
  courierCompany: string | null;
  waybillNo: string | null;
  tagmanifestSha256: string;
  payloadOxum: string;
  /** ISO instant; printed in China time. */
  bagBuiltAt: string;
}

export async function renderCoverSheet(d: CoverSheetData): Promise<Uint8Array> {
  const sheet = await createA4Sheet(`交接单 ${d.caseNo}`);
  const { pdf, page, font } = sheet;
  const [width, height] = A4;
  let y = height - MARGIN;

  const text = (s: string, x: number, size = 11, f: PDFFont = font) => page.drawText(s, { x, y, size, font: f, color: rgb(0, 0, 0) });
  const line = (x1: number, y1: number, x2: number, y2: number) =>
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.8, color: rgb(0, 0, 0) });

  text('跨省通办材料转递交接单', MARGIN, 20);
  y -= 18;
  text('Cross-province handoff cover sheet', MARGIN, 10);

  const qrSize = 130;
  await drawQr(sheet, formatHandoffQr(d.caseNo, d.tagmanifestSha256), qrSize);

  y -= 34;
  const rows: Array<[string, string]> = [
    ['办件编号', d.caseNo],
    ['事项', `${d.itemName}（${d.itemCode}）`],
    ['收件单位', d.intakeOffice],
    ['办理单位', d.handlingOffice],
    ['申请人', `${d.applicantName}  ${d.applicantIdDocument} ${d.applicantIdMasked}`],
  ];
  for (const [k, v] of rows) {
    text(`${k}：`, MARGIN, 12);
    drawWrapped(page, font, v, MARGIN + 70, y, width - MARGIN * 2 - 70 - (y > height - MARGIN - qrSize ? qrSize : 0), 12);
    y -= 22;
  }

  y -= 8;
  text('封内纸质原件 Paper originals in this envelope', MARGIN, 13);
  y -= 8;
  const cols = [MARGIN, MARGIN + 30, MARGIN + 330, MARGIN + 400];
  const tableTop = y;
  y -= 18;
  ['序号', '材料名称', '份数', '页数'].forEach((h, i) => text(h, cols[i]! + 4, 11));
  const list = d.originals.length ? d.originals : [{ name: '（无需邮寄原件）', copies: 0, pages: 0 }];
  list.forEach((o, i) => {
    y -= 20;
    text(String(i + 1), cols[0]! + 4, 11);
    text(o.name, cols[1]! + 4, 11);
    text(o.copies ? String(o.copies) : '—', cols[2]! + 4, 11);
    text(o.pages ? String(o.pages) : '—', cols[3]! + 4, 11);
  });
  const total = d.originals.reduce((n, o) => n + o.copies * o.pages, 0);
  y -= 20;
  text(`合计页数 Total pages: ${total}`, cols[1]! + 4, 11);
  const tableBottom = y - 8;
  for (let ry = tableTop; ry >= tableBottom - 1; ry -= 20) line(MARGIN, ry, width - MARGIN, ry);
  line(MARGIN, tableBottom, width - MARGIN, tableBottom);
  for (const x of [...cols, width - MARGIN]) line(x, tableTop, x, tableBottom);
  y = tableBottom - 28;

  text('寄递信息 Courier', MARGIN, 13);
  y -= 24;
  text(`快递公司：${d.courierCompany ?? '________________'}`, MARGIN, 12);
  text(`运单号：${d.waybillNo ?? '______________________'}`, MARGIN + 250, 12);
  y -= 30;

  text('交接签字 Handover signatures', MARGIN, 13);
  y -= 12;
  const boxW = (width - MARGIN * 2 - 20) / 2;
  const boxH = 90;
  for (const [i, label] of ['移交人（收件窗口）签字 / 日期', '接收人（办理单位）签字 / 日期'].entries()) {
    const x = MARGIN + i * (boxW + 20);
    page.drawRectangle({ x, y: y - boxH, width: boxW, height: boxH, borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
    page.drawText(label, { x: x + 8, y: y - 18, size: 10, font });
  }
  y -= boxH + 28;

  const foot = [
    `电子转递包校验：tagmanifest-sha256.txt SHA-256 = ${d.tagmanifestSha256}`,
    `Payload-Oxum ${d.payloadOxum}；生成时间 ${chinaDateTime(d.bagBuiltAt)}（北京时间）`,
    '接收方扫描右上角二维码，核对线上记录与本交接单一致后签收。',
  ];
  for (const s of foot) {
    drawWrapped(page, font, s, MARGIN, y, width - MARGIN * 2, 9);
    y -= 24;
  }
  return pdf.save();
}
