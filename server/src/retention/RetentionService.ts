import { AppError, CASE_ACTIONS, isTerminal, type CaseState } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { assertCan } from '@tongban/shared/cases/access';
import type { LegalHoldRequest, RetentionView } from '@tongban/shared/retention/retention';
import { actorOf, type SessionUser } from '../auth/AuthService';
import { SYSTEM_ACTOR } from '../audit/AuditLedger';
import type { CaseService } from '../cases/CaseService';
import type { SiteServices } from '../feature';

/** One kind of evidence a feature keeps for a case and deletes when the retention period is over. */
export interface RetainedFiles {
  /** The case's files of this kind not yet deleted: the row's id and the blob it refers to. */
  list(caseId: string): Array<{ id: string; sha256: string }>;
  /** Marks the rows deleted (runs inside the purge's transaction). */
  markPurged(ids: string[], at: string): void;
  /** Whether a row of this kind not yet deleted still refers to the blob (content is stored once). */
  holds(sha256: string): boolean;
}

export interface RetentionDeps extends Pick<SiteServices, 'db' | 'clock' | 'ledger' | 'blobs' | 'log'> {
  cases: Pick<CaseService, 'getForUser' | 'get'>;
  retentionDays: number;
  /** Blobs kept for as long as the case exists (scans, result documents): never deleted by retention. */
  keptFiles: (sha256: string) => boolean;
}

interface HoldRow {
  reason: string;
  set_by_name: string;
  set_at: string;
}

const DAY_MS = 86_400_000;
const TRANSITION_EVENTS = CASE_ACTIONS.map((a) => `case.${a}`);

/**
 * 保存期限: the evidence features register (recordings, snapshots, signatures, bags) is deleted
 * `retentionDays` after the case closes, unless it is on legal hold. The audit event of a purge
 * names every deleted file with its hash, so the chain and what it says of the files stay checkable.
 */
export class RetentionService {
  private readonly kinds = new Map<string, RetainedFiles>();

  constructor(private readonly deps: RetentionDeps) {}

  register(kind: string, files: RetainedFiles): void {
    if (this.kinds.has(kind)) throw new Error(`retained files "${kind}" registered twice`);
    this.kinds.set(kind, files);
  }

  view(caseId: string, user: SessionUser): RetentionView {
    const c = this.deps.cases.getForUser(caseId, user);
    const closedAt = this.closedAt(c.id, c.state);
    const hold = this.hold(c.id);
    const purge = this.deps.db
      .prepare("SELECT at, details_json FROM audit_events WHERE case_id = ? AND action = 'retention.purged' ORDER BY seq DESC LIMIT 1")
      .get(c.id) as { at: string; details_json: string } | undefined;
    return {
      retentionDays: this.deps.retentionDays,
      ...(closedAt && { closedAt, keepUntil: chinaDate(new Date(Date.parse(closedAt) + this.deps.retentionDays * DAY_MS)) }),
      ...(hold && { hold: { reason: hold.reason, setByName: hold.set_by_name, setAt: hold.set_at } }),
      ...(purge && { purged: { at: purge.at, files: (JSON.parse(purge.details_json) as { files: unknown[] }).files.length } }),
    };
  }

  setHold(caseId: string, user: SessionUser, req: LegalHoldRequest): RetentionView {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'retention.hold', c);
    this.deps.db.transaction(() => {
      if (this.hold(c.id)) throw new AppError('LEGAL_HOLD_EXISTS', { details: { caseId: c.id } });
      this.deps.db
        .prepare('INSERT INTO legal_holds (case_id, reason, set_by_name, set_at) VALUES (?, ?, ?, ?)')
        .run(c.id, req.reason, user.displayName, this.deps.clock.now().toISOString());
      this.deps.ledger.append(actorOf(user), 'retention.hold_set', { caseId: c.id, details: { reason: req.reason } });
    })();
    return this.view(c.id, user);
  }

  releaseHold(caseId: string, user: SessionUser, req: LegalHoldRequest): RetentionView {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'retention.hold', c);
    this.deps.db.transaction(() => {
      if (!this.hold(c.id)) throw new AppError('LEGAL_HOLD_NONE', { details: { caseId: c.id } });
      this.deps.db.prepare('DELETE FROM legal_holds WHERE case_id = ?').run(c.id);
      this.deps.ledger.append(actorOf(user), 'retention.hold_released', { caseId: c.id, details: { reason: req.reason } });
    })();
    return this.view(c.id, user);
  }

  /**
   * Deletes the evidence of every closed case past its period and not on hold. Rows are marked and
   * the audit event written in one transaction; the bytes go after it commits (a crash in between
   * leaves unreferenced bytes, never a row without its file). Returns the cases purged.
   */
  async sweep(): Promise<string[]> {
    const now = this.deps.clock.now();
    const cutoff = new Date(now.getTime() - this.deps.retentionDays * DAY_MS).toISOString();
    const purged: string[] = [];
    for (const { id, state } of this.closedCases()) {
      if (this.hold(id)) continue;
      const closedAt = this.closedAt(id, state);
      if (!closedAt || closedAt > cutoff) continue;
      const files = [...this.kinds].flatMap(([kind, k]) => k.list(id).map((f) => ({ kind, ...f })));
      if (files.length === 0) continue;
      this.deps.db.transaction(() => {
        for (const [kind, k] of this.kinds) {
          const ids = files.filter((f) => f.kind === kind).map((f) => f.id);
          if (ids.length > 0) k.markPurged(ids, now.toISOString());
        }
        this.deps.ledger.append(SYSTEM_ACTOR, 'retention.purged', {
          caseId: id,
          details: { retentionDays: this.deps.retentionDays, closedAt, files },
        });
      })();
      for (const sha256 of new Set(files.map((f) => f.sha256))) {
        if (this.deps.keptFiles(sha256) || [...this.kinds.values()].some((k) => k.holds(sha256))) continue;
        await this.deps.blobs.remove(sha256);
      }
      this.deps.log.info({ caseId: id, files: files.length }, 'retention: evidence deleted');
      purged.push(id);
    }
    return purged;
  }

  private closedCases(): Array<{ id: string; state: CaseState }> {
    return (this.deps.db.prepare('SELECT id, state FROM cases').all() as Array<{ id: string; state: CaseState }>).filter((c) =>
      isTerminal(c.state),
    );
  }

  /** The time of the case's last transition, if that left it in a final state. */
  private closedAt(caseId: string, state: CaseState): string | undefined {
    if (!isTerminal(state)) return undefined;
    return this.deps.db
      .prepare(`SELECT MAX(at) FROM audit_events WHERE case_id = ? AND action IN (${TRANSITION_EVENTS.map(() => '?').join(',')})`)
      .pluck()
      .get(caseId, ...TRANSITION_EVENTS) as string | undefined;
  }

  private hold(caseId: string): HoldRow | undefined {
    return this.deps.db.prepare('SELECT reason, set_by_name, set_at FROM legal_holds WHERE case_id = ?').get(caseId) as HoldRow | undefined;
  }
}
