import { parentPort, workerData } from 'node:worker_threads';
import * as mupdf from 'mupdf';
import type { PdfWorkerData, PdfWorkerReply, PdfWorkerRequest } from './pdfRaster';

/**
 * Worker thread of pdfRaster.ts: MuPDF (WASM) opens one PDF and renders the pages asked for, so a
 * large page never blocks the server's event loop. The page limit is checked before any page is
 * loaded, the pixel budget before each page is rendered. One worker per document: MuPDF's WASM
 * heap never shrinks, and ending the thread gives it all back.
 */

const { pdf, maxPages, maxPixels, dpi } = workerData as PdfWorkerData;
const port = parentPort!;
const reply = (r: PdfWorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(r, transfer);
const reason = (e: unknown) => String((e as Error)?.message ?? e);

let doc: mupdf.Document | undefined;
try {
  doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  const count = doc.countPages();
  if (count === 0) reply({ type: 'failed', problem: 'corrupt', reason: 'the PDF has no pages' });
  else if (count > maxPages) reply({ type: 'failed', problem: 'too-many-pages', pages: count });
  else reply({ type: 'opened', count });
} catch (e) {
  reply({ type: 'failed', problem: 'corrupt', reason: reason(e) });
}

port.on('message', (req: PdfWorkerRequest) => {
  try {
    const page = doc!.loadPage(req.index);
    const [x0, y0, x1, y1] = page.getBounds();
    // Points are 1/72 inch; shrink the scale when a huge page would exceed the pixel budget.
    let scale = dpi / 72;
    const pixels = (x1 - x0) * (y1 - y0) * scale * scale;
    if (pixels > maxPixels) scale *= Math.sqrt(maxPixels / pixels);
    const pix = page.toPixmap(
      mupdf.Matrix.scale(scale, scale),
      req.colour ? mupdf.ColorSpace.DeviceRGB : mupdf.ColorSpace.DeviceGray,
      false,
      true,
    );
    const png = pix.asPNG().slice();
    pix.destroy();
    page.destroy();
    reply({ type: 'page', index: req.index, png }, [png.buffer]);
  } catch (e) {
    reply({ type: 'failed', problem: 'corrupt', page: req.index, reason: reason(e) });
  }
});
