import fs from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import type { Page } from 'playwright-core';
import type { CaseDetailResponse } from '@tongban/shared';
import { renderIdCardFront } from '@tongban/server/demo/scanRenderer';
import type { ApiClient } from './testServer';
import { APPLICANT, createCase, ITEM_HN, precheckCase, upload, uploadMissingScans, waitForPrecheck } from './caseFixtures';

/** Helpers for the shared materials viewer (共享材料) of a co-review call: a case with an outlined finding, and what a desk's viewer shows. */

export interface HighlightCase {
  id: string;
  /** material id by slot code (the generated scan of each slot) */
  materials: Record<string, string>;
  /** A second 申领登记表, a two-page PDF (form, then signed declaration), in SBK_FORM. */
  twoPageForm: string;
}

/**
 * 申领登记表 as a two-page PDF with real (vector) text on each page: the filled-in form, then the
 * applicant's signed declaration. The font is embedded whole: @pdf-lib/fontkit 1.1.1's subsets
 * print glyphs blank (see server/src/handoff/coverSheet.ts).
 */
async function twoPageFormPdf(): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(
    fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    {
      subset: false,
    },
  );
  const pages = [
    [
      '社会保障卡申领登记表',
      `姓名：${APPLICANT.name}`,
      `公民身份号码：${APPLICANT.idNumber}`,
      `联系电话：${APPLICANT.phone}`,
      '参保地：湖南省长沙市',
      '通讯地址：广东省韶关市浈江区解放路18号',
    ],
    ['申请人承诺', '本人承诺以上所填信息真实有效，', '如有虚假愿承担相应责任。', `申请人签名：${APPLICANT.name}`, '日期：2026年11月25日'],
  ];
  for (const lines of pages) {
    const page = doc.addPage([595.28, 841.89]); // A4
    lines.forEach((text, i) => page.drawText(text, { x: 60, y: 760 - i * 44, size: 20, font, color: rgb(0, 0, 0) }));
  }
  return Buffer.from(await doc.save());
}

/**
 * A pre-checked case whose ID card photo side carries another name than the applicant's: the
 * pre-check outlines the name (ID_NAME_MISMATCH, a block with a box on the page) and the clerk
 * overrides it, as after checking the original, so the case can go to co-review. Every other
 * material is a clean generated scan, and SBK_FORM also holds a two-page PDF of the form. The
 * server needs OCR_WORKERS ≥ 1.
 */
export async function createCaseWithHighlight(clerk: ApiClient): Promise<HighlightCase> {
  // Rendered before any request: this process also runs the server, and a long synchronous render
  // between requests can outlast an idle keep-alive connection.
  const card = await renderIdCardFront({
    name: '李四',
    sex: '女',
    ethnicity: '汉',
    birth: '1949-12-31',
    address: '湖南省长沙市岳麓区麓山南路12号3栋201室',
    idNumber: APPLICANT.idNumber,
  });
  const formPdf = await twoPageFormPdf();
  const { id } = await createCase(clerk, ITEM_HN);
  const up = await upload(clerk, id, 'ID_CARD_FRONT', card, 'id-front.png');
  if (up.status !== 201) throw new Error(`upload ID_CARD_FRONT: ${up.status} ${JSON.stringify(up.body)}`);
  await uploadMissingScans(clerk, id);
  const pdf = await upload(clerk, id, 'SBK_FORM', formPdf, '申领登记表（两页）.pdf');
  if (pdf.status !== 201) throw new Error(`upload SBK_FORM PDF: ${pdf.status} ${JSON.stringify(pdf.body)}`);
  const twoPageForm = (pdf.body as { material: { id: string } }).material.id;
  const pre = await waitForPrecheck(clerk, id);
  const front = pre.materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
  const mismatch = front.findings.find((f) => f.code === 'ID_NAME_MISMATCH' && f.bbox);
  if (!mismatch) throw new Error(`expected an outlined ID_NAME_MISMATCH, got ${JSON.stringify(front.findings.map((f) => f.key))}`);
  const ov = await clerk.post(`/api/cases/${id}/precheck/overrides`, {
    materialId: front.materialId,
    findingCode: mismatch.key,
    reason: '测试：已核对原件，姓名为曾用名',
  });
  if (ov.status !== 200) throw new Error(`override: ${ov.status} ${JSON.stringify(ov.body)}`);
  await precheckCase(clerk, id);
  const detail = (await clerk.get(`/api/cases/${id}`)).body as CaseDetailResponse;
  const scans = detail.materials.filter((m) => m.id !== twoPageForm);
  return { id, materials: Object.fromEntries(scans.map((m) => [m.slotCode, m.id])), twoPageForm };
}

/** A box in the page's own coordinates: 0..1 of the shown page's width and height. */
export interface RelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface ViewerSnapshot {
  materialId: string;
  page: number;
  zoom: number;
  zoomLabel: string;
  /** Shown page width ÷ the viewer's width: the zoom as drawn. */
  drawnZoom: number;
  /** Whether the page image has loaded. */
  imageLoaded: boolean;
  /** Address of the shown page image ('' when none): which page's image it is. */
  imageUrl: string;
  highlights: Array<RelBox & { severity: string; title: string }>;
  /** Centre of the other desk's pointer mark, relative to the page; null when none is shown. */
  pointer: { x: number; y: number } | null;
}

/** What a desk's shared viewer shows, read from the DOM (data attributes and drawn geometry). */
export function viewerSnapshot(page: Page): Promise<ViewerSnapshot> {
  return page.evaluate(() => {
    const viewer = document.querySelector<HTMLElement>('[data-testid="shared-viewer"]');
    if (!viewer) throw new Error('no shared viewer on this page');
    const sheet = viewer.querySelector<HTMLElement>('[data-testid="viewer-sheet"]');
    const r = sheet?.getBoundingClientRect();
    const rel = (el: Element) => {
      const b = el.getBoundingClientRect();
      return {
        x0: (b.left - r!.left) / r!.width,
        y0: (b.top - r!.top) / r!.height,
        x1: (b.right - r!.left) / r!.width,
        y1: (b.bottom - r!.top) / r!.height,
      };
    };
    const mark = sheet?.querySelector('[data-testid="viewer-pointer"]');
    const m = mark ? rel(mark) : null;
    const img = sheet?.querySelector('img');
    return {
      materialId: viewer.dataset['materialId'] ?? '',
      page: Number(viewer.dataset['page']),
      zoom: Number(viewer.dataset['zoom']),
      zoomLabel: document.querySelector('[data-testid="viewer-zoom"]')?.textContent ?? '',
      drawnZoom: r ? r.width / viewer.clientWidth : 0,
      imageLoaded: !!img && img.complete && img.naturalWidth > 0,
      imageUrl: img?.src ?? '',
      highlights: [...(sheet?.querySelectorAll<HTMLElement>('[data-testid="viewer-highlight"]') ?? [])].map((el) => ({
        ...rel(el),
        severity: [...el.classList].find((c) => c.startsWith('viewer-box-'))?.slice('viewer-box-'.length) ?? '',
        title: el.title,
      })),
      pointer: m ? { x: (m.x0 + m.x1) / 2, y: (m.y0 + m.y1) / 2 } : null,
    };
  });
}

/**
 * Moves the desk's mouse onto its shown page at a position relative to the page, in `steps` mouse
 * events from where it is. The spot must be visible (not scrolled away inside the viewer).
 */
export async function pointAt(page: Page, rel: { x: number; y: number }, opts: { steps?: number } = {}): Promise<void> {
  const sheet = page.getByTestId('viewer-sheet');
  await page.getByTestId('shared-viewer').scrollIntoViewIfNeeded();
  const box = await sheet.boundingBox();
  if (!box) throw new Error('the shared viewer shows no page');
  const at = { x: box.x + rel.x * box.width, y: box.y + rel.y * box.height };
  const onSheet = await page.evaluate(({ x, y }) => !!document.elementFromPoint(x, y)?.closest('[data-testid="viewer-sheet"]'), at);
  if (!onSheet) throw new Error(`(${rel.x}, ${rel.y}) of the page is not visible in the viewer`);
  await page.mouse.move(at.x, at.y, { steps: opts.steps ?? 1 });
}

/** Picks a material in the desk's viewer. */
export async function chooseMaterial(page: Page, materialId: string): Promise<void> {
  await page.getByLabel('材料', { exact: true }).selectOption(materialId);
}
