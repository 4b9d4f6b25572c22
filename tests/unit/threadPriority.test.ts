import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE, startInBackground } from '@tongban/server/precheck/threadPriority';

/** nice of every OS thread of this process, by thread id (field 19 of /proc/self/task/<tid>/stat). */
function niceByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
    out.set(tid, Number(fields[16]));
  }
  return out;
}

describe('OCR threads at background priority', () => {
  it('lowers exactly the thread the started worker runs on; the others keep their priority', async () => {
    const before = niceByThread();
    const worker = startInBackground(() => new Worker('setInterval(() => {}, 1000)', { eval: true }));
    try {
      const after = niceByThread();
      const added = [...after.keys()].filter((tid) => !before.has(tid));
      expect(added).toHaveLength(1);
      expect(after.get(added[0]!)).toBe(BACKGROUND_NICE);
      for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid), `thread ${tid}`).toBe(nice);
    } finally {
      await worker.terminate();
    }
  });
});
