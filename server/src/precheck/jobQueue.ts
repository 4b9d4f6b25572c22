import type { PrecheckJobStatus } from '@tongban/shared/precheck/api';
import type { Db } from '../storage/database';
import type { Clock } from '../clock';

/**
 * The pre-check job queue: rows of `precheck_jobs`, so queued work survives a restart. Jobs are
 * handed out fairly between cases (`pickFairCase`), not first come first served: a case that
 * queued a hundred pages takes its turn with the others, and one office's single scan waits for
 * the jobs already running, not for another case's whole backlog.
 */

export interface JobRow {
  id: string;
  case_id: string;
  material_id: string;
  sha256: string;
  slot_json: string;
  camera: number;
  status: PrecheckJobStatus;
  attempts: number;
  requested_by: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
}

export type NewJob = Pick<JobRow, 'id' | 'case_id' | 'material_id' | 'sha256' | 'slot_json' | 'camera' | 'requested_by'>;

/** One case with queued jobs, as the scheduler sees it. */
export interface CaseInQueue {
  caseId: string;
  /** When the case's oldest queued job was queued (ISO time). */
  oldestQueuedAt: string;
  /** The case's jobs running now. */
  running: number;
}

/**
 * The case whose job runs next: the one with the fewest jobs running, then the one served least
 * recently (never served first), then the one waiting longest. `lastServed` maps a case to when
 * it was last given a job (any increasing number). undefined: nothing is queued.
 */
export function pickFairCase(queued: readonly CaseInQueue[], lastServed: ReadonlyMap<string, number>): string | undefined {
  let best: CaseInQueue | undefined;
  const served = (c: CaseInQueue) => lastServed.get(c.caseId) ?? -Infinity;
  for (const c of queued) {
    if (
      !best ||
      c.running < best.running ||
      (c.running === best.running && (served(c) < served(best) || (served(c) === served(best) && c.oldestQueuedAt < best.oldestQueuedAt)))
    )
      best = c;
  }
  return best?.caseId;
}

/** Jobs that crashed the process mid-run this many times are not tried again. */
export const MAX_ATTEMPTS = 2;

export class PrecheckJobQueue {
  /** Case → turn it was last served at; only cases with queued jobs are kept. */
  private readonly lastServed = new Map<string, number>();
  private turn = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  add(job: NewJob): void {
    this.db
      .prepare(
        `INSERT INTO precheck_jobs (id, case_id, material_id, sha256, slot_json, camera, status, requested_by, created_at)
         VALUES (@id, @case_id, @material_id, @sha256, @slot_json, @camera, 'queued', @requested_by, @created_at)`,
      )
      .run({ ...job, created_at: this.clock.now().toISOString() });
  }

  /** A job that was running when the process stopped runs again, or fails if it keeps dying. */
  requeueInterrupted(): void {
    this.db
      .prepare(
        `UPDATE precheck_jobs SET status = 'failed', error_code = 'PRECHECK_OCR_FAILED', finished_at = ? WHERE status = 'running' AND attempts >= ?`,
      )
      .run(this.clock.now().toISOString(), MAX_ATTEMPTS);
    this.db.prepare(`UPDATE precheck_jobs SET status = 'queued' WHERE status = 'running'`).run();
  }

  /** The next job, fairly between cases (oldest first within a case), marked running; undefined when none is queued. */
  take(): JobRow | undefined {
    return this.db.transaction(() => {
      const queued = this.db
        .prepare(
          `SELECT q.case_id AS caseId, MIN(q.created_at) AS oldestQueuedAt,
                  (SELECT COUNT(*) FROM precheck_jobs r WHERE r.case_id = q.case_id AND r.status = 'running') AS running
           FROM precheck_jobs q WHERE q.status = 'queued' GROUP BY q.case_id`,
        )
        .all() as CaseInQueue[];
      const caseId = pickFairCase(queued, this.lastServed);
      for (const served of this.lastServed.keys()) if (!queued.some((c) => c.caseId === served)) this.lastServed.delete(served);
      if (caseId === undefined) return undefined;
      const job = this.db
        .prepare(`SELECT * FROM precheck_jobs WHERE status = 'queued' AND case_id = ? ORDER BY created_at, rowid LIMIT 1`)
        .get(caseId) as JobRow;
      this.db
        .prepare(`UPDATE precheck_jobs SET status = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?`)
        .run(this.clock.now().toISOString(), job.id);
      this.lastServed.set(caseId, ++this.turn);
      return { ...job, status: 'running' as const, attempts: job.attempts + 1 };
    })();
  }
}
