import fs from 'node:fs';
import path from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { Logger } from '../logger';
import { routeWorkerOutput } from './workerOutput';
import { startInBackground } from './threadPriority';

/**
 * Page orientation by Tesseract's OSD (orientation and script detection). OSD runs only on the
 * legacy engine, so it needs its own worker: tesseract.js's legacy core (`legacyCore`) and the
 * `osd` data (legacy-only; install-ocr-data.mjs puts it next to chi_sim/eng). The worker starts on
 * the first request — most pages are upright and never need it — and detections run one at a
 * time. A detection that fails or runs past the timeout answers `undefined` (the caller falls
 * back to reading the page turned each way) and the worker is restarted on the next request.
 */

export interface Orientation {
  /** Clockwise turn that makes the page upright. */
  degrees: 0 | 90 | 180 | 270;
  /** Tesseract's orientation confidence: ~1–4 on our cards and forms when right, < 0.5 when unsure. */
  confidence: number;
  script: string | null;
}

export interface OsdOptions {
  langPath: string;
  timeoutMs: number;
  log: Logger;
}

export class OsdDetector {
  private worker: Promise<Worker> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly stats = { detections: 0, failures: 0 };

  constructor(private readonly opts: OsdOptions) {}

  /** Whether the osd data is installed (without it every call answers `undefined`). */
  get available(): boolean {
    return fs.existsSync(path.join(this.opts.langPath, 'osd.traineddata.gz'));
  }

  detect(png: Buffer): Promise<Orientation | undefined> {
    const run = this.queue.then(() => this.detectNow(png));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    await w?.then((x) => x.terminate()).catch(() => undefined);
  }

  private async detectNow(png: Buffer): Promise<Orientation | undefined> {
    if (this.closed || !this.available) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      this.worker ??= this.spawn();
      const worker = await this.worker;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`OSD took longer than ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      });
      const { data } = await Promise.race([worker.detect(png), timeout]);
      this.stats.detections++;
      if (data.orientation_degrees === null || data.orientation_confidence === null) return undefined;
      const degrees = data.orientation_degrees as Orientation['degrees'];
      return { degrees, confidence: data.orientation_confidence, script: data.script };
    } catch (e) {
      this.stats.failures++;
      this.opts.log.warn({ err: String(e) }, 'page orientation detection failed; falling back to trying each turn');
      const w = this.worker;
      this.worker = undefined;
      void w?.then((x) => x.terminate()).catch(() => undefined);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async spawn(): Promise<Worker> {
    const worker = await startInBackground(() =>
      createWorker('osd', OEM.TESSERACT_ONLY, {
        langPath: this.opts.langPath,
        gzip: true,
        cacheMethod: 'none',
        legacyCore: true,
        legacyLang: true,
        errorHandler: (err: unknown) => this.opts.log.debug({ err: String(err) }, 'OSD job failed in worker'),
      }),
    );
    routeWorkerOutput(worker, this.opts.log);
    return worker;
  }
}
