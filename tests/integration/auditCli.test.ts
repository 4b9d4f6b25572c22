import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@tongban/server/storage/database';
import { ApiClient, startTestServer, type TestServer } from '../support/testServer';
import { auditVerify } from '../support/auditCli';
import { createCase, precheckCase } from '../support/caseFixtures';

let srv: TestServer;
let caseId: string;
beforeAll(async () => {
  srv = await startTestServer({}, { keepData: true, ocr: 'printed-text' });
  const clerk = await ApiClient.login(srv.url, 'clerk');
  caseId = (await createCase(clerk)).id;
  await precheckCase(clerk, caseId);
  await srv.stop();
});
afterAll(async () => {
  const fs = await import('node:fs');
  fs.rmSync(srv.dataDir, { recursive: true, force: true });
});

describe('npx tongban audit verify', () => {
  it('passes on an untouched ledger, then names the seq of a row a malicious admin edited', async () => {
    const ok = await auditVerify(srv.dataDir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit chain intact: \d+ events/);

    const db = openDatabase(path.join(srv.dataDir, 'tongban.sqlite'));
    const seq = db.prepare("SELECT seq FROM audit_events WHERE case_id = ? AND action = 'case.precheck'").pluck().get(caseId) as number;
    // The append-only trigger stops a plain UPDATE; an admin with file access drops it first.
    expect(() => db.prepare("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = ?").run(seq)).toThrow(/append-only/);
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare(`UPDATE audit_events SET details_json = '{"caseNo":"x","from":"draft","to":"accepted"}' WHERE seq = ?`).run(seq);
    db.close();

    const bad = await auditVerify(srv.dataDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`audit chain BROKEN at event seq ${seq}`);
  });

  it('also names the gap when an event is deleted', async () => {
    const db = openDatabase(path.join(srv.dataDir, 'tongban.sqlite'));
    db.exec('DROP TRIGGER audit_events_no_delete');
    // Remove an early event (the first seeded office): everything after it no longer links.
    db.prepare('DELETE FROM audit_events WHERE seq = 2').run();
    db.close();
    const bad = await auditVerify(srv.dataDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('audit chain BROKEN at event seq 3');
  });
});
