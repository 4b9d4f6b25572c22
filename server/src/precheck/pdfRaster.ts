import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '@tongban/shared';
import { startInBackground } from './threadPriority';

/**
 * Rasterises PDF pages in a worker thread (pdfRasterWorker.ts), one thread per document. Limits
 * travel with the document: the page count is refused before any page is loaded, each page is
 * scaled down to the pixel budget, and each step (opening, one page) has a timeout after which
 * the thread is ended. The worker is TypeScript, so it runs with tsx's loader — under `npm start`,
 * vitest and the CLI alike, none of which pass their own loader on to worker threads.
 */

export interface PdfRasterLimits {
  maxPdfPages: number;
  /** Largest rendered page, in pixels: a bigger page is rendered at a lower resolution. */
  maxPixels: number;
  /** Resolution PDF pages are rendered at. */
  pdfDpi: number;
  /** Longest wait for the PDF to open or for one page to render. */
  pdfTimeoutMs: number;
}

export interface PdfWorkerData {
  pdf: Uint8Array;
  maxPages: number;
  maxPixels: number;
  dpi: number;
}
export interface PdfWorkerRequest {
  index: number;
  /** RGB instead of grayscale (the pre-check cuts the ID photo in colour). */
  colour?: boolean;
}
export type PdfWorkerReply =
  | { type: 'opened'; count: number }
  | { type: 'page'; index: number; png: Uint8Array }
  | { type: 'failed'; problem: 'corrupt'; reason: string; page?: number }
  | { type: 'failed'; problem: 'too-many-pages'; pages: number };

export interface OpenPdf {
  count: number;
  /** The page as a grayscale PNG (RGB with `colour`: the same size). */
  render(index: number, opts?: { colour?: boolean }): Promise<Buffer>;
  close(): Promise<void>;
}

const tsxApi = esmEntry('tsx', './esm/api');
const workerUrl = new URL('./pdfRasterWorker.ts', import.meta.url).href;
// A worker thread starts with no loader: this small script gives it tsx, then loads the worker.
const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(import.meta.url)}))`;

/** File URL of a package's ESM entry (require.resolve would give the CommonJS one). */
function esmEntry(pkg: string, subpath: string): string {
  const manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  const exports = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return pathToFileURL(path.join(path.dirname(manifest), exports[subpath]!.import.default)).href;
}

export async function openPdf(input: Buffer, limits: PdfRasterLimits): Promise<OpenPdf> {
  const data: PdfWorkerData = { pdf: new Uint8Array(input), maxPages: limits.maxPdfPages, maxPixels: limits.maxPixels, dpi: limits.pdfDpi };
  const worker = startInBackground(() => new Worker(bootstrap, { eval: true, workerData: data }));
  // One request at a time: each waits for the worker's next message (or its exit).
  const next = (what: string): Promise<PdfWorkerReply> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void worker.terminate();
        reject(new AppError('PRECHECK_OCR_TIMEOUT', { details: { stage: 'pdf', step: what, timeoutMs: limits.pdfTimeoutMs } }));
      }, limits.pdfTimeoutMs);
      const onMessage = (m: PdfWorkerReply) => {
        cleanup();
        resolve(m);
      };
      const onError = (e: Error) => {
        cleanup();
        reject(new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: e.message } }));
      };
      const onExit = (code: number) => onError(new Error(`PDF renderer stopped (exit ${code})`));
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  const fail = async (r: Exclude<PdfWorkerReply, { type: 'opened' | 'page' }>): Promise<never> => {
    await worker.terminate();
    if (r.problem === 'too-many-pages') {
      throw new AppError('PRECHECK_PDF_TOO_MANY_PAGES', {
        details: { pages: r.pages, maxPages: limits.maxPdfPages },
        zh: `PDF 共 ${r.pages} 页，超过上限 ${limits.maxPdfPages} 页，请按材料分开扫描上传`,
        en: `The PDF has ${r.pages} pages, more than the limit of ${limits.maxPdfPages}; scan each material separately`,
      });
    }
    throw new AppError('PRECHECK_FILE_CORRUPT', { details: { reason: r.reason, ...(r.page !== undefined ? { page: r.page + 1 } : {}) } });
  };

  const opened = await next('open').catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  if (opened.type === 'failed') return fail(opened);
  if (opened.type !== 'opened') return fail({ type: 'failed', problem: 'corrupt', reason: `unexpected ${opened.type}` });
  return {
    count: opened.count,
    async render(index, opts) {
      const reply = next(`page ${index + 1}`);
      worker.postMessage({ index, ...(opts?.colour ? { colour: true } : {}) } satisfies PdfWorkerRequest);
      const r = await reply;
      if (r.type === 'failed') return fail(r);
      if (r.type !== 'page') return fail({ type: 'failed', problem: 'corrupt', reason: `unexpected ${r.type}`, page: index });
      return Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength);
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
