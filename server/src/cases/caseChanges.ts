import { EventEmitter } from 'node:events';
import type { CaseState } from '@tongban/shared';
import type { CaseChangeKind } from '@tongban/shared/cases/caseEvents';
import type { Actor } from '../audit/AuditLedger';
import type { Db } from '../storage/database';

/** A committed change to one case, with the offices that decide who may hear of it. */
export interface CaseChange {
  caseId: string;
  state: CaseState;
  intakeOfficeId: string;
  handlingOfficeId: string;
  kinds: CaseChangeKind[];
  byUserId: string | null;
}

interface PendingRow {
  case_id: string;
  kind: CaseChangeKind;
  by_user: string | null;
}

/**
 * Tells listeners (the socket push) that a case changed — only once the change has committed.
 * Services call `changed` anywhere, usually inside the transaction that makes the change. The
 * note goes into a per-connection TEMP table, which commits or rolls back with that transaction,
 * so SQLite itself decides whether there is anything to tell; it is read after the synchronous
 * transaction has returned. A commit that touched a case several times gives one `changed`
 * event for it, with the case's state after the commit.
 */
export class CaseChangeFeed extends EventEmitter<{ changed: [CaseChange] }> {
  private flushQueued = false;

  constructor(private readonly db: Db) {
    super();
    // TEMP: private to this connection, never on disk, not part of the schema.
    db.exec('CREATE TEMP TABLE IF NOT EXISTS case_changes_pending (case_id TEXT NOT NULL, kind TEXT NOT NULL, by_user TEXT)');
  }

  changed(caseId: string, kind: CaseChangeKind, by: Actor | null): void {
    this.db.prepare('INSERT INTO temp.case_changes_pending (case_id, kind, by_user) VALUES (?, ?, ?)').run(caseId, kind, by?.id ?? null);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // better-sqlite3 transactions are synchronous: by the next microtask the caller's has ended.
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    if (!this.db.open) return;
    const rows = this.db.prepare('DELETE FROM temp.case_changes_pending RETURNING case_id, kind, by_user').all() as PendingRow[];
    const byCase = new Map<string, { kinds: Set<CaseChangeKind>; by: string | null }>();
    for (const r of rows) {
      const entry = byCase.get(r.case_id) ?? { kinds: new Set<CaseChangeKind>(), by: r.by_user };
      entry.kinds.add(r.kind);
      // Several actors in one commit (a peer site and a user): attribute it to nobody in particular.
      if (entry.by !== r.by_user) entry.by = null;
      byCase.set(r.case_id, entry);
    }
    const read = this.db.prepare('SELECT state, intake_office_id, handling_office_id FROM cases WHERE id = ?');
    for (const [caseId, { kinds, by }] of byCase) {
      const c = read.get(caseId) as { state: CaseState; intake_office_id: string; handling_office_id: string } | undefined;
      if (!c) continue;
      this.emit('changed', {
        caseId,
        state: c.state,
        intakeOfficeId: c.intake_office_id,
        handlingOfficeId: c.handling_office_id,
        kinds: [...kinds],
        byUserId: by,
      });
    }
  }
}
