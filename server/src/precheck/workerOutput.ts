import type { Worker } from 'tesseract.js';
import type { Logger } from '../logger';

/**
 * Tesseract's C++ code prints to the worker thread's stdout, which Node pipes into ours — that would
 * corrupt the CLI's JSON and alarm operators with a harmless "Failed loading language" (the npm
 * chi_sim data has no vertical model). Route it to the debug log instead.
 */
export function routeWorkerOutput(worker: Worker, log: Logger): void {
  const thread = (worker as unknown as { worker?: { stdout?: NodeJS.ReadableStream; stderr?: NodeJS.ReadableStream } }).worker;
  for (const stream of [thread?.stdout, thread?.stderr]) {
    if (!stream) continue;
    stream.unpipe();
    stream.on('data', (chunk: Buffer) => log.debug({ tesseract: chunk.toString().trim() }, 'tesseract output'));
  }
}
