import { rgb } from 'pdf-lib';
import { A4, createA4Sheet, drawQr, drawWrapped, MARGIN } from '../pdf/a4Pdf';

/**
 * 收件回执: the A4 sheet the applicant takes home from the window once the case is accepted. It
 * says what was received, by when the case is promised, who handles it and how the result comes
 * back, and carries the query code with a QR code of the public status page.
 */
export interface ReceiptData {
  caseNo: string;
  itemName: string;
  /** Received materials in catalogue order. */
  materials: Array<{ name: string; form: string; files: number; pages: number }>;
  /** China calendar date, YYYY-MM-DD. */
  promisedDate: string;
  handlingOffice: string;
  /** The way the applicant chose (窗口领取, EMS 邮寄, 网上送达), or the item's ways when the case recorded no choice. */
  resultDelivery: string;
  /** 收件地址 as one line, with the recipient and their masked phone. */
  mailingAddress?: string;
  /** 代办人 and how they stand to the applicant. */
  agent?: string;
  window: { name: string; place: string; address: string; phone: string };
  /** China time, as people read it. */
  acceptedAt: string;
  printedAt: string;
  queryCode: string;
  statusUrl: string;
  /** 申请人签名 on the declaration: the image (absent once deleted at the end of retention) and the short hashes. */
  signature?: ReceiptSignature;
}

export interface ReceiptSignature {
  png?: Buffer;
  /** China time, as people read it. */
  signedAt: string;
  /** Where it was signed, in words (申请人手机签名). */
  channel: string;
  imageSha256: string;
  textSha256: string;
}

/** How much of a hash the sheet prints: enough to match it against the bag by eye. */
const SHORT_HASH = 16;
const SIGNATURE_BOX = { w: 180, h: 60 };

export async function renderReceipt(d: ReceiptData): Promise<Uint8Array> {
  const sheet = await createA4Sheet(`收件回执 ${d.caseNo}`);
  const { pdf, page, font } = sheet;
  const [width, height] = A4;
  const qrSize = 120;
  let y = height - MARGIN;
  const text = (s: string, x: number, size = 11) => page.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
  const line = (x1: number, y1: number, x2: number, y2: number) =>
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.8, color: rgb(0, 0, 0) });

  text('跨省通办收件回执', MARGIN, 20);
  y -= 18;
  text('Receipt of application', MARGIN, 10);
  await drawQr(sheet, d.statusUrl, qrSize);

  y -= 34;
  const rows: Array<[string, string]> = [
    ['办件编号', d.caseNo],
    ['办理事项', d.itemName],
    ['受理时间', `${d.acceptedAt}（北京时间）`],
    ['承诺办结', `${d.promisedDate} 前`],
    ['审批单位', d.handlingOffice],
    ...(d.agent ? [['代办人', d.agent] as [string, string]] : []),
    ['结果送达', d.resultDelivery],
    ...(d.mailingAddress ? [['收件地址', d.mailingAddress] as [string, string]] : []),
    ['收件窗口', d.window.name],
    ['所在地区', d.window.place],
    ...(d.window.address ? ([['窗口地址', d.window.address]] as Array<[string, string]>) : []),
    ...(d.window.phone ? ([['咨询电话', d.window.phone]] as Array<[string, string]>) : []),
  ];
  const labelW = 70;
  for (const [k, v] of rows) {
    const besideQr = y > height - MARGIN - qrSize;
    text(`${k}：`, MARGIN, 12);
    const lines = drawWrapped(page, font, v, MARGIN + labelW, y, width - MARGIN * 2 - labelW - (besideQr ? qrSize : 0), 12);
    y -= 22 + (lines - 1) * 15;
  }

  y -= 8;
  text('已收取材料 Materials received', MARGIN, 13);
  y -= 8;
  const cols = [MARGIN, MARGIN + 30, MARGIN + 300, MARGIN + 370, MARGIN + 435];
  // One 20-point row for the header and each material, text set 14 points below the row's top line.
  const tableTop = y;
  const row = (k: number) => tableTop - 20 * k;
  y = row(0) - 14;
  ['序号', '材料名称', '形式', '文件数', '页数'].forEach((h, i) => text(h, cols[i]! + 4, 11));
  d.materials.forEach((m, i) => {
    y = row(i + 1) - 14;
    text(String(i + 1), cols[0]! + 4, 11);
    text(m.name, cols[1]! + 4, 11);
    text(m.form, cols[2]! + 4, 11);
    text(String(m.files), cols[3]! + 4, 11);
    text(m.pages ? String(m.pages) : '—', cols[4]! + 4, 11);
  });
  const tableBottom = row(d.materials.length + 1);
  for (let k = 0; k <= d.materials.length + 1; k++) line(MARGIN, row(k), width - MARGIN, row(k));
  for (const x of [...cols, width - MARGIN]) line(x, tableTop, x, tableBottom);
  y = tableBottom - 30;

  text('办件进度查询 Check progress', MARGIN, 13);
  y -= 24;
  text(`查询码：${d.queryCode}`, MARGIN, 16);
  y -= 22;
  drawWrapped(page, font, `扫描右上角二维码，或打开 ${d.statusUrl} 查看办理进度。`, MARGIN, y, width - MARGIN * 2, 11);
  y -= 20;
  drawWrapped(
    page,
    font,
    '查询码只显示办理进度和日期，不显示个人信息；请妥善保管本回执，勿将查询码告知他人。',
    MARGIN,
    y,
    width - MARGIN * 2,
    10,
  );
  y -= 34;

  if (d.signature) {
    const sig = d.signature;
    text('申请人签名 Signature of the applicant', MARGIN, 13);
    y -= 8;
    const top = y;
    if (sig.png) {
      const image = await pdf.embedPng(sig.png);
      const scale = Math.min(SIGNATURE_BOX.w / image.width, SIGNATURE_BOX.h / image.height);
      page.drawImage(image, { x: MARGIN, y: top - image.height * scale, width: image.width * scale, height: image.height * scale });
    } else {
      y -= 14;
      text('（签名图像已按保存期限删除）', MARGIN, 10);
      y = top;
    }
    const x = MARGIN + SIGNATURE_BOX.w + 16;
    const facts = [
      `已签署《申请人承诺》：${sig.signedAt}（北京时间），${sig.channel}`,
      `签名图像 SHA-256：${sig.imageSha256.slice(0, SHORT_HASH)}…`,
      `承诺文本 SHA-256：${sig.textSha256.slice(0, SHORT_HASH)}…`,
    ];
    facts.forEach((f, i) => page.drawText(f, { x, y: top - 14 - i * 16, size: 9, font, color: rgb(0, 0, 0) }));
    y = top - SIGNATURE_BOX.h - 24;
  }

  text('窗口经办人签字 / 日期：______________________', MARGIN, 12);
  y -= 30;
  drawWrapped(page, font, `打印时间 ${d.printedAt}（北京时间）`, MARGIN, y, width - MARGIN * 2, 9);
  return pdf.save();
}
