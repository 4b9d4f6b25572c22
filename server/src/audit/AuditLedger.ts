import { createHash } from 'node:crypto';
import type { ActorRole } from '@tongban/shared';
import type { AuditAction } from '@tongban/shared/audit/auditActions';
import type { AuditEvent } from '@tongban/shared/schemas/cases';
import type { Db } from '../storage/database';
import type { Clock } from '../clock';
import { canonicalJson } from './canonicalJson';

export const GENESIS_HASH = '0'.repeat(64);

export interface Actor {
  id: string | null;
  name: string | null;
  role: ActorRole;
  officeId: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system', role: 'system', officeId: null };
/** The applicant, acting with a one-time link or key (no account). */
export const APPLICANT_ACTOR: Actor = { id: null, name: 'applicant', role: 'applicant', officeId: null };

export type { AuditEvent };

interface Row extends Omit<AuditEvent, 'details'> {
  details_json: string;
}

/** The hash covers every column but itself, in canonical JSON. Exported so bags can re-verify a chain. */
export function hashAuditEvent(e: Omit<AuditEvent, 'hash'>): string {
  const { seq, at, actor_id, actor_name, actor_role, office_id, case_id, action, details, prev_hash } = e;
  const canonical = canonicalJson({ seq, at, actor_id, actor_name, actor_role, office_id, case_id, action, details, prev_hash });
  return createHash('sha256').update(canonical).digest('hex');
}

export type ChainCheck = { ok: true; count: number; head: string } | { ok: false; count: number; firstBad: number; reason: string };

/**
 * Verifies a run of events. A whole ledger starts at the genesis hash; a case's events (as in a
 * handoff bag) are a subsequence, so there only each event's own hash is checked.
 */
export function verifyAuditChain(events: Iterable<AuditEvent>, opts: { contiguous: boolean }): ChainCheck {
  let prev = GENESIS_HASH;
  let expectSeq = 1;
  let count = 0;
  for (const e of events) {
    count++;
    if (opts.contiguous) {
      if (e.seq !== expectSeq)
        return {
          ok: false,
          count,
          firstBad: e.seq,
          reason: `expected seq ${expectSeq}, found ${e.seq} (an event was removed or inserted)`,
        };
      if (e.prev_hash !== prev) return { ok: false, count, firstBad: e.seq, reason: 'prev_hash does not match the previous event’s hash' };
    }
    if (hashAuditEvent(e) !== e.hash)
      return { ok: false, count, firstBad: e.seq, reason: 'hash does not match the event’s content (edited)' };
    prev = e.hash;
    expectSeq = e.seq + 1;
  }
  return { ok: true, count, head: prev };
}

/**
 * Append-only, hash-chained event ledger (责任追溯). `append` must run inside the same
 * transaction as the state change it records; the caller owns that transaction.
 */
export class AuditLedger {
  private readonly insert;
  private readonly last;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_events (seq, at, actor_id, actor_name, actor_role, office_id, case_id, action, details_json, prev_hash, hash)
       VALUES (@seq, @at, @actor_id, @actor_name, @actor_role, @office_id, @case_id, @action, @details_json, @prev_hash, @hash)`,
    );
    this.last = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');
  }

  /** `action` is one the trail has words for (shared/src/audit/auditActions.ts). */
  append(actor: Actor, action: AuditAction, opts: { caseId?: string | null; details?: Record<string, unknown> } = {}): AuditEvent {
    if (!this.db.inTransaction) throw new Error('AuditLedger.append must run inside the transaction of the change it records');
    const last = this.last.get() as { seq: number; hash: string } | undefined;
    const base: Omit<AuditEvent, 'hash'> = {
      seq: (last?.seq ?? 0) + 1,
      at: this.clock.now().toISOString(),
      actor_id: actor.id,
      actor_name: actor.name,
      actor_role: actor.role,
      office_id: actor.officeId,
      case_id: opts.caseId ?? null,
      action,
      // Round-trip so what is hashed is exactly what a reader parses back.
      details: JSON.parse(JSON.stringify(opts.details ?? {})) as Record<string, unknown>,
      prev_hash: last?.hash ?? GENESIS_HASH,
    };
    const event: AuditEvent = { ...base, hash: hashAuditEvent(base) };
    this.insert.run({ ...event, details_json: JSON.stringify(event.details) });
    return event;
  }

  /** Records an event in its own transaction (logins, views: nothing else changes). */
  record(actor: Actor, action: AuditAction, opts: { caseId?: string | null; details?: Record<string, unknown> } = {}): AuditEvent {
    return this.db.transaction(() => this.append(actor, action, opts))();
  }

  forCase(caseId: string): AuditEvent[] {
    return (this.db.prepare('SELECT * FROM audit_events WHERE case_id = ? ORDER BY seq').all(caseId) as Row[]).map(fromRow);
  }

  /**
   * forCase for many cases in one query (a report over hundreds of cases): each case's events in
   * order, [] for none; only those of `actions` when given (turning rows into objects is most of the cost).
   */
  forCases(caseIds: readonly string[], actions?: readonly string[]): Map<string, AuditEvent[]> {
    const byCase = new Map(caseIds.map((id) => [id, [] as AuditEvent[]]));
    const only = actions ? ' AND action IN (SELECT value FROM json_each(?))' : '';
    const rows = this.db
      .prepare(`SELECT * FROM audit_events WHERE case_id IN (SELECT value FROM json_each(?))${only} ORDER BY seq`)
      .all(JSON.stringify(caseIds), ...(actions ? [JSON.stringify(actions)] : [])) as Row[];
    for (const r of rows) if (r.case_id) byCase.get(r.case_id)?.push(fromRow(r));
    return byCase;
  }

  *all(): Generator<AuditEvent> {
    for (const r of this.db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as Iterable<Row>) yield fromRow(r);
  }

  verify(): ChainCheck {
    return verifyAuditChain(this.all(), { contiguous: true });
  }
}

function fromRow(r: Row): AuditEvent {
  const { details_json, ...rest } = r;
  return { ...rest, details: JSON.parse(details_json) as Record<string, unknown> };
}
