import fs from 'node:fs';
import path from 'node:path';
import { createWorker, OEM, type Worker, type Page } from 'tesseract.js';
import { AppError } from '@tongban/shared';
import type { OcrLine } from '@tongban/shared/precheck/types';
import type { Logger } from '../logger';
import { OsdDetector, type Orientation } from './osd';
import { routeWorkerOutput } from './workerOutput';
import { startInBackground } from './threadPriority';
import { tsvLines } from './tsvLines';

/**
 * A pool of warm tesseract.js workers (WASM in worker threads) with local language data only:
 * `langPath` is the folder install-ocr-data.mjs fills, `cacheMethod: 'none'` so nothing is read
 * from or written to the working directory. Each call gets one free worker; a call that runs past
 * the timeout has its worker terminated and replaced, a call whose worker fails is retried once
 * on a fresh worker. Page orientation (OSD) has a worker of its own, started on first use.
 */

export const OCR_LANGS = 'chi_sim+eng';

export interface RecognizeOptions {
  /** Page segmentation mode: 3 auto (A4), 6 one block, 7 one line, 11 sparse text (cards). */
  psm: 3 | 6 | 7 | 11;
  /** Restrict characters (e.g. '0123456789X' for an ID number). */
  charset?: string;
  onProgress?: (fraction: number) => void;
}

export interface RecognizeOutput {
  lines: OcrLine[];
  text: string;
  confidence: number;
}

interface PoolWorker {
  id: number;
  worker: Worker;
  busy: boolean;
  params: string;
  progress?: ((fraction: number) => void) | undefined;
}

interface Waiter {
  resolve: (w: PoolWorker) => void;
  reject: (e: unknown) => void;
}

export interface OcrPoolOptions {
  size: number;
  langPath: string;
  timeoutMs: number;
  log: Logger;
}

export class OcrPool {
  private readonly workers: PoolWorker[] = [];
  private readonly waiting: Waiter[] = [];
  private nextId = 1;
  private starting: Promise<void> | undefined;
  private closed = false;
  private loadError: string | undefined;
  private stats = { recognized: 0, timeouts: 0, crashes: 0, replaced: 0 };
  private readonly osd: OsdDetector;

  constructor(private readonly opts: OcrPoolOptions) {
    this.osd = new OsdDetector({ langPath: opts.langPath, timeoutMs: opts.timeoutMs, log: opts.log });
  }

  get size(): number {
    return this.opts.size;
  }

  /** Starts the workers one after another (each loads ~5 MB of models; in parallel they only compete). */
  start(): Promise<void> {
    this.starting ??= (async () => {
      if (this.opts.size === 0) return;
      for (const lang of OCR_LANGS.split('+')) {
        if (!fs.existsSync(path.join(this.opts.langPath, `${lang}.traineddata.gz`))) {
          this.loadError = `missing ${lang}.traineddata.gz in ${this.opts.langPath}`;
          throw new AppError('PRECHECK_OCR_DATA_MISSING', { details: { langPath: this.opts.langPath, lang } });
        }
      }
      for (let i = 0; i < this.opts.size && !this.closed; i++) this.workers.push(await this.spawn());
      this.opts.log.info({ workers: this.workers.length, langPath: this.opts.langPath }, 'OCR workers ready');
      this.dispatch();
    })();
    return this.starting;
  }

  health() {
    const ready = !this.closed && this.opts.size > 0 && this.workers.length === this.opts.size && !this.loadError;
    return {
      ready,
      workers: this.workers.length,
      configuredWorkers: this.opts.size,
      busy: this.workers.filter((w) => w.busy).length,
      waiting: this.waiting.length,
      languages: OCR_LANGS,
      ...this.stats,
      osd: { available: this.osd.available, ...this.osd.stats },
      ...(this.loadError ? { error: this.loadError } : {}),
    };
  }

  async recognize(image: Buffer, opts: RecognizeOptions): Promise<RecognizeOutput> {
    try {
      return await this.attempt(image, opts);
    } catch (e) {
      // A timeout means the image itself is too hard: retrying would only hang again.
      if (e instanceof AppError && (e.code === 'PRECHECK_OCR_TIMEOUT' || e.code === 'PRECHECK_OCR_DISABLED')) throw e;
      this.opts.log.warn({ err: String(e) }, 'OCR worker failed; retrying once on a fresh worker');
      return this.attempt(image, opts);
    }
  }

  /** Which way up the page is (tesseract OSD), or `undefined` when that cannot be told. */
  detectOrientation(png: Buffer): Promise<Orientation | undefined> {
    return this.closed || this.opts.size === 0 ? Promise.resolve(undefined) : this.osd.detect(png);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.osd.close();
    for (const w of this.waiting.splice(0)) w.reject(new AppError('PRECHECK_OCR_DISABLED'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate().catch(() => undefined)));
  }

  private async attempt(image: Buffer, opts: RecognizeOptions): Promise<RecognizeOutput> {
    const w = await this.acquire();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      const params = JSON.stringify([opts.psm, opts.charset ?? '']);
      const work = (async () => {
        if (w.params !== params) {
          await w.worker.setParameters({
            tessedit_pageseg_mode: String(opts.psm) as never,
            tessedit_char_whitelist: opts.charset ?? '',
            preserve_interword_spaces: '0',
          });
          w.params = params;
        }
        w.progress = opts.onProgress;
        return w.worker.recognize(image, {}, { tsv: true, text: true });
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new AppError('PRECHECK_OCR_TIMEOUT', { details: { timeoutMs: this.opts.timeoutMs } }));
        }, this.opts.timeoutMs);
      });
      const result = await Promise.race([work, timeout]);
      this.stats.recognized++;
      this.release(w);
      return toOutput(result.data);
    } catch (e) {
      if (timedOut) this.stats.timeouts++;
      else this.stats.crashes++;
      // The worker's state is unknown (hung, or failed mid-job): replace it rather than reuse it.
      void this.replace(w);
      throw e;
    } finally {
      clearTimeout(timer);
      w.progress = undefined;
    }
  }

  private async spawn(): Promise<PoolWorker> {
    const id = this.nextId++;
    const holder: { pw?: PoolWorker } = {};
    const worker = await startInBackground(() =>
      createWorker([], OEM.LSTM_ONLY, {
        langPath: this.opts.langPath,
        gzip: true,
        cacheMethod: 'none',
        logger: (m) => {
          if (m.status === 'recognizing text') holder.pw?.progress?.(m.progress);
        },
        // Without a handler tesseract.js rethrows a failed job inside its message listener, which
        // would take the whole server down.
        errorHandler: (err: unknown) => this.opts.log.debug({ worker: id, err: String(err) }, 'OCR job failed in worker'),
      }),
    );
    // Load the languages only once Tesseract's output goes to our log: loading the npm chi_sim
    // data in a fresh worker prints "Error opening data file ./<garbled>.traineddata" (harmless).
    routeWorkerOutput(worker, this.opts.log);
    await worker.reinitialize(OCR_LANGS, OEM.LSTM_ONLY);
    holder.pw = { id, worker, busy: false, params: '' };
    return holder.pw;
  }

  private async replace(w: PoolWorker): Promise<void> {
    const i = this.workers.indexOf(w);
    if (i >= 0) this.workers.splice(i, 1);
    await w.worker.terminate().catch(() => undefined);
    if (this.closed) return;
    try {
      this.workers.push(await this.spawn());
      this.stats.replaced++;
      this.dispatch();
    } catch (e) {
      this.loadError = `cannot restart OCR worker: ${String(e)}`;
      this.opts.log.error({ err: String(e) }, 'OCR worker could not be restarted');
    }
  }

  private acquire(): Promise<PoolWorker> {
    if (this.opts.size === 0 || this.closed) return Promise.reject(new AppError('PRECHECK_OCR_DISABLED'));
    if (!this.starting) void this.start().catch(() => undefined);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.dispatch();
    });
  }

  private release(w: PoolWorker): void {
    w.busy = false;
    this.dispatch();
  }

  private dispatch(): void {
    for (const w of this.workers) {
      if (w.busy) continue;
      const next = this.waiting.shift();
      if (!next) return;
      w.busy = true;
      next.resolve(w);
    }
  }
}

function toOutput(page: Page): RecognizeOutput {
  return { lines: tsvLines(page.tsv ?? ''), text: page.text, confidence: page.confidence };
}
