import type { AuditAction } from '@tongban/shared/audit/auditActions';
import type { PeerDeliveryView } from '@tongban/shared/review/session';
import { SYSTEM_ACTOR, type AuditLedger } from '../audit/AuditLedger';
import type { Clock, IdSource } from '../clock';
import type { Db } from '../storage/database';

/** The messages this site sends to peer sites through the outbox. */
export type OutboxKind = 'coreview.request' | 'coreview.withdrawal' | 'coreview.decision';

/** Why an attempt did not deliver: the peer unreachable, or its refusal in its own words. */
export interface DeliveryError {
  code: string;
  message_zh: string;
  message_en: string;
}

/** A message to queue; `body` is sent byte for byte on every attempt, so a retry is the same request. */
export interface OutboxEntry {
  peerSite: string;
  kind: OutboxKind;
  path: string;
  idempotencyKey: string;
  sessionId: string;
  caseId: string;
  body: string;
}

export interface OutboxMessage extends OutboxEntry {
  id: string;
  attempts: number;
}

interface OutboxRow {
  id: string;
  peer_site: string;
  kind: OutboxKind;
  path: string;
  idempotency_key: string;
  session_id: string;
  case_id: string;
  body_json: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error_json: string | null;
  delivered_at: string | null;
}

const message = (r: OutboxRow): OutboxMessage => ({
  id: r.id,
  peerSite: r.peer_site,
  kind: r.kind,
  path: r.path,
  idempotencyKey: r.idempotency_key,
  sessionId: r.session_id,
  caseId: r.case_id,
  body: r.body_json,
  attempts: r.attempts,
});

/** Pending, and not behind an earlier pending message of the same session (a withdrawal never overtakes its request). */
const SENDABLE = `o.state = 'pending'
  AND NOT EXISTS (SELECT 1 FROM site_outbox e WHERE e.session_id = o.session_id AND e.state = 'pending' AND e.seq < o.seq)`;

/**
 * 站点发件箱: signed messages to peer sites, queued in the transaction of the change they announce
 * and kept until the peer took them or refused them. Each change of a message's delivery state
 * (first failure → retrying, delivered, refused) is one audit event in the case's trail.
 */
export class SiteOutbox {
  constructor(private readonly deps: { db: Db; clock: Clock; ids: IdSource; ledger: AuditLedger }) {}

  /** In the caller's transaction: the message is sent as soon as the delivery loop gets to it. */
  enqueue(m: OutboxEntry): void {
    const now = this.deps.clock.now().toISOString();
    this.deps.db
      .prepare(
        `INSERT INTO site_outbox (id, peer_site, kind, path, idempotency_key, session_id, case_id, body_json, state, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(this.deps.ids.uuid(), m.peerSite, m.kind, m.path, m.idempotencyKey, m.sessionId, m.caseId, m.body, now, now);
  }

  /** The messages due now, oldest first; one waits while an earlier message of its session is still pending. */
  due(): OutboxMessage[] {
    const rows = this.deps.db
      .prepare(`SELECT o.* FROM site_outbox o WHERE ${SENDABLE} AND o.next_attempt_at <= ? ORDER BY o.seq`)
      .all(this.deps.clock.now().toISOString()) as OutboxRow[];
    return rows.map(message);
  }

  /** When the next message that may be sent is due (one waiting behind its session's earlier message is not). */
  nextDueAt(): Date | undefined {
    const at = this.deps.db.prepare(`SELECT MIN(o.next_attempt_at) FROM site_outbox o WHERE ${SENDABLE}`).pluck().get() as string | null;
    return at === null ? undefined : new Date(at);
  }

  /** The session's message of `kind`, as queued. */
  find(sessionId: string, kind: OutboxKind): (OutboxMessage & { state: OutboxRow['state'] }) | undefined {
    const row = this.row(sessionId, kind);
    return row && { ...message(row), state: row.state };
  }

  /** Why the last attempt of the session's message of `kind` did not deliver, if it did not. */
  lastError(sessionId: string, kind: OutboxKind): DeliveryError | undefined {
    const json = this.row(sessionId, kind)?.last_error_json;
    return json ? (JSON.parse(json) as DeliveryError) : undefined;
  }

  delivered(m: OutboxMessage): void {
    const now = this.deps.clock.now().toISOString();
    this.change(m, 'site.message_delivered', {}, () =>
      this.deps.db
        .prepare(
          "UPDATE site_outbox SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error_json = NULL WHERE id = ?",
        )
        .run(now, m.id),
    );
  }

  /** Tried again at `nextAt`; only the first failure changes the state (sending → retrying) and is audited. */
  retrying(m: OutboxMessage, error: DeliveryError, nextAt: Date): void {
    const update = () =>
      this.deps.db
        .prepare('UPDATE site_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error_json = ? WHERE id = ?')
        .run(nextAt.toISOString(), JSON.stringify(error), m.id);
    if (m.attempts > 0) update();
    else this.change(m, 'site.message_retrying', { error: error.code, nextAttemptAt: nextAt.toISOString() }, update);
  }

  /** The peer refused it: never sent again. */
  failed(m: OutboxMessage, error: DeliveryError): void {
    this.change(m, 'site.message_failed', { error: error.code, message: error.message_zh }, () =>
      this.deps.db
        .prepare("UPDATE site_outbox SET state = 'failed', attempts = attempts + 1, last_error_json = ? WHERE id = ?")
        .run(JSON.stringify(error), m.id),
    );
  }

  /** Where a session's request to its peer site stands. */
  deliveryView(sessionId: string): PeerDeliveryView | undefined {
    const r = this.row(sessionId, 'coreview.request');
    if (!r) return undefined;
    const state = r.state === 'pending' ? (r.attempts === 0 ? 'sending' : 'retrying') : r.state;
    return {
      site: r.peer_site,
      state,
      attempts: r.attempts,
      ...(r.last_error_json ? { lastError: JSON.parse(r.last_error_json) as DeliveryError } : {}),
      ...(r.state === 'pending' ? { nextAttemptAt: r.next_attempt_at } : {}),
      ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}),
    };
  }

  private row(sessionId: string, kind: OutboxKind): OutboxRow | undefined {
    return this.deps.db.prepare('SELECT * FROM site_outbox WHERE session_id = ? AND kind = ?').get(sessionId, kind) as
      OutboxRow | undefined;
  }

  private change(m: OutboxMessage, action: AuditAction, details: Record<string, unknown>, update: () => unknown): void {
    this.deps.db.transaction(() => {
      update();
      this.deps.ledger.append(SYSTEM_ACTOR, action, {
        caseId: m.caseId,
        details: { messageId: m.id, kind: m.kind, peerSite: m.peerSite, sessionId: m.sessionId, attempts: m.attempts + 1, ...details },
      });
    })();
  }
}
