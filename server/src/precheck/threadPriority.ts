import fs from 'node:fs';
import os from 'node:os';

/**
 * OCR runs in worker threads of the server process, so without this the CPU scheduler weighs a
 * recognition the same as a clerk's request: with the pool busy, read paths' p99 went from ~45 to
 * ~250 ms (`npm run bench:api`, ocr phase). Linux schedules each thread on its own, and raising a
 * thread's nice value needs no privilege, so OCR threads run at the lowest priority: they get every
 * idle cycle and yield to requests at once.
 */
export const BACKGROUND_NICE = 19;

const TASKS = '/proc/self/task';

function threadIds(): Set<string> {
  try {
    return new Set(fs.readdirSync(TASKS));
  } catch {
    return new Set(); // not Linux: nothing to renice
  }
}

/**
 * Runs `start`, which must create its worker thread synchronously (tesseract.js's createWorker and
 * `new Worker` do), and lowers the priority of the OS threads that appeared meanwhile.
 */
export function startInBackground<T>(start: () => T): T {
  const before = threadIds();
  const value = start();
  for (const tid of threadIds()) {
    if (before.has(tid)) continue;
    try {
      os.setPriority(Number(tid), BACKGROUND_NICE);
    } catch {
      // The thread already ended (its start failed): nothing to lower.
    }
  }
  return value;
}
