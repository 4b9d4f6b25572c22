import { describe, expect, it } from 'vitest';
import { AuditLedger, GENESIS_HASH, hashAuditEvent, verifyAuditChain, type AuditEvent } from '@tongban/server/audit/AuditLedger';
import { openDatabase } from '@tongban/server/storage/database';

function chain(n: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const base = {
      seq,
      at: `2026-11-25T0${seq % 10}:00:00.000Z`,
      actor_id: `u${seq % 3}`,
      actor_name: 'clerk',
      actor_role: 'clerk',
      office_id: 'gd-sg-window',
      case_id: seq % 2 ? 'case-a' : 'case-b',
      action: 'case.precheck',
      details: { from: 'draft', to: 'prechecked', nested: { seq } },
      prev_hash: prev,
    };
    const e = { ...base, hash: hashAuditEvent(base) };
    events.push(e);
    prev = e.hash;
  }
  return events;
}

describe('audit hash chain', () => {
  it('verifies an untouched chain and reports its head', () => {
    const events = chain(6);
    expect(verifyAuditChain(events, { contiguous: true })).toEqual({ ok: true, count: 6, head: events[5]!.hash });
  });

  it('names the edited event when any column changes', () => {
    const edits: Array<(e: AuditEvent) => void> = [
      (e) => (e.details = { ...e.details, to: 'accepted' }),
      (e) => (e.actor_name = 'someone-else'),
      (e) => (e.at = '2026-11-25T23:59:59.000Z'),
      (e) => (e.case_id = 'case-z'),
      (e) => (e.action = 'case.accept'),
    ];
    for (const edit of edits) {
      const events = chain(6);
      edit(events[3]!);
      expect(verifyAuditChain(events, { contiguous: true })).toMatchObject({ ok: false, firstBad: 4 });
    }
  });

  it('detects a rewritten event whose own hash was recomputed (the next link breaks)', () => {
    const events = chain(5);
    const e = events[1]!;
    e.details = { forged: true };
    e.hash = hashAuditEvent(e);
    expect(verifyAuditChain(events, { contiguous: true })).toMatchObject({
      ok: false,
      firstBad: 3,
      reason: expect.stringContaining('prev_hash'),
    });
  });

  it('detects removed and reordered events', () => {
    const removed = chain(5);
    removed.splice(2, 1);
    expect(verifyAuditChain(removed, { contiguous: true })).toMatchObject({ ok: false, firstBad: 4 });
    const swapped = chain(5);
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(verifyAuditChain(swapped, { contiguous: true })).toMatchObject({ ok: false, firstBad: 3 });
  });

  it('checks a case’s subsequence (as in a handoff bag) by each event’s own hash', () => {
    const caseA = chain(6).filter((e) => e.case_id === 'case-a');
    expect(verifyAuditChain(caseA, { contiguous: false })).toMatchObject({ ok: true, count: 3 });
    expect(verifyAuditChain(caseA, { contiguous: true }).ok).toBe(false);
    caseA[1]!.details = {};
    expect(verifyAuditChain(caseA, { contiguous: false })).toMatchObject({ ok: false, firstBad: 3 });
  });

  it('the SQLite ledger appends only inside a transaction and refuses UPDATE and DELETE', () => {
    const db = openDatabase(':memory:');
    const ledger = new AuditLedger(db, { now: () => new Date('2026-11-25T02:00:00Z') });
    const actor = { id: null, name: 'system', role: 'system' as const, officeId: null };
    expect(() => ledger.append(actor, 'seed.office')).toThrow(/inside the transaction/);
    ledger.record(actor, 'seed.office', { details: { officeId: 'gd-sg-window' } });
    ledger.record(actor, 'seed.office', { details: { officeId: 'gd-sz-window' } });
    expect(ledger.verify()).toMatchObject({ ok: true, count: 2 });
    expect(() => db.prepare("UPDATE audit_events SET details_json = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 2').run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare(`UPDATE audit_events SET details_json = '{"officeId":"xx"}' WHERE seq = 2`).run();
    expect(ledger.verify()).toMatchObject({ ok: false, firstBad: 2 });
    db.close();
  });
});
