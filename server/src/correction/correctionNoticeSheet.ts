import { rgb } from 'pdf-lib';
import type { CorrectionNoticeView } from '@tongban/shared/cases/correctionNotice';
import { A4, createA4Sheet, drawQr, drawWrapped, MARGIN, sheetDate } from '../pdf/a4Pdf';

/**
 * 补正材料通知书: the A4 sheet the applicant takes home after a 补正 decision. It names every item
 * to correct at once (一次性告知), the date to bring them by, and where, with the query code and a
 * QR code of the public status page when the case has one.
 */
export interface CorrectionNoticeData {
  caseNo: string;
  itemName: string;
  /** Name and masked ID number. */
  applicant: string;
  intake: { name: string; address: string; phone: string };
  handlingOffice: string;
  /** `issuedAt` already in China time, as people read it. */
  notice: CorrectionNoticeView;
  queryCode?: string;
  statusUrl?: string;
  /** 批注: for the items made from a mark, the crop of the marked page (JPEG) by annotation id. */
  crops?: ReadonlyMap<string, Buffer>;
}

/** The box a crop is printed in beside its item, at most (points). */
const CROP_BOX = { width: 200, height: 150 };

export async function renderCorrectionNotice(d: CorrectionNoticeData): Promise<Uint8Array> {
  const sheet = await createA4Sheet(`补正材料通知书 ${d.caseNo}`);
  const { pdf, font } = sheet;
  let { page } = sheet;
  const [width, height] = A4;
  const qrSize = 110;
  const textWidth = width - MARGIN * 2;
  let y = height - MARGIN;
  const text = (s: string, x: number, size = 11) => page.drawText(s, { x, y, size, font, color: rgb(0, 0, 0) });
  const para = (s: string, size = 11, indent = 0, maxWidth = textWidth - indent) => {
    const lines = drawWrapped(page, font, s, MARGIN + indent, y, maxWidth, size);
    y -= lines * (size + 3) + 6;
  };

  text('补正材料通知书', MARGIN, 20);
  y -= 18;
  text(`（一次性告知）第 ${d.notice.seq} 号`, MARGIN, 11);
  if (d.statusUrl) await drawQr(sheet, d.statusUrl, qrSize);
  y -= 30;

  const rows: Array<[string, string]> = [
    ['办件编号', d.caseNo],
    ['办理事项', d.itemName],
    ['申请人', d.applicant],
    ['审批单位', d.handlingOffice],
    ['收件窗口', d.intake.name],
    ['出具时间', `${d.notice.issuedAt}（北京时间）`],
  ];
  for (const [k, v] of rows) {
    const besideQr = d.statusUrl !== undefined && y > height - MARGIN - qrSize - 10;
    text(`${k}：`, MARGIN, 12);
    const lines = drawWrapped(page, font, v, MARGIN + 70, y, textWidth - 70 - (besideQr ? qrSize : 0), 12);
    y -= 20 + (lines - 1) * 15;
  }

  y -= 6;
  para(`您申请办理的“${d.itemName}”，经审查，申请材料需要补正。现将需要补正的全部内容一次性告知如下，请按要求准备后一并提交：`, 12);
  /** A new page when less than `h` points are left above the bottom margin. */
  const room = (h: number) => {
    if (y - h >= MARGIN) return;
    page = pdf.addPage(A4);
    y = height - MARGIN;
  };
  for (const [i, item] of d.notice.items.entries()) {
    const crop = item.annotationId ? d.crops?.get(item.annotationId) : undefined;
    const image = crop ? await pdf.embedJpg(crop) : undefined;
    const size = image ? image.scaleToFit(CROP_BOX.width, CROP_BOX.height) : undefined;
    room(16 + (size ? size.height + 22 : 30));
    text(`${i + 1}. ${item.materialName}`, MARGIN + 8, 12);
    y -= 16;
    para(`问题及补正要求：${item.reason}`, 11, 24);
    if (image && size) {
      // The marked page, cut to the mark: what the reviewer pointed at, for the applicant to see.
      text('审查时标注的位置：', MARGIN + 24, 10);
      y -= 4;
      page.drawImage(image, { x: MARGIN + 24, y: y - size.height, width: size.width, height: size.height });
      page.drawRectangle({
        x: MARGIN + 24,
        y: y - size.height,
        width: size.width,
        height: size.height,
        borderColor: rgb(0.6, 0.6, 0.6),
        borderWidth: 0.5,
      });
      y -= size.height + 14;
    }
  }
  room(200);
  if (d.notice.note) para(`其他说明：${d.notice.note}`, 11);

  y -= 4;
  text('补正期限', MARGIN, 13);
  y -= 18;
  para(`请于 ${sheetDate(d.notice.resubmitBy)}（含当日）前提交补正材料。如不能按期补正，请及时与收件窗口联系。`, 12);
  text('提交地点', MARGIN, 13);
  y -= 18;
  para(
    `${d.intake.name}${d.intake.address ? `，地址：${d.intake.address}` : ''}${d.intake.phone ? `，电话：${d.intake.phone}` : ''}。请携带本通知书，交窗口工作人员重新提交，无需重新申请。`,
    12,
  );
  if (d.queryCode) {
    text('办件进度查询', MARGIN, 13);
    y -= 18;
    para(`查询码：${d.queryCode}。扫描右上角二维码${d.statusUrl ? `或打开 ${d.statusUrl}` : ''}可查看办理进度。`, 11);
  }

  y -= 16;
  text('窗口经办人签字：______________    申请人签收：______________    日期：__________', MARGIN, 11);
  return pdf.save();
}
