import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isValidIdNumber, isValidUscc } from '@tongban/shared';
import { CASE_NUMBER_PATTERN } from '@tongban/shared/cases/caseNumber';
import { loadConfig, REPO_ROOT } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { createContext } from '@tongban/server/context';
import { DEMO_CASE_STEPS, DEMO_REVIEW_NOTE, type DemoCaseRun, type DemoCaseStep } from '@tongban/server/cli/commands/demoCase';
import { TEST_PASSWORD } from '../support/testServer';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'server', 'bin', 'tongban.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-demo-'));

const stderrs: string[] = [];
async function tongban(...args: string[]): Promise<string[]> {
  const r = await run(process.execPath, [CLI, ...args, '--data', dataDir], {
    env: { ...process.env, DEMO_PASSWORD: TEST_PASSWORD, LOG_LEVEL: 'silent', OCR_WORKERS: '1' },
  });
  stderrs.push(r.stderr);
  return r.stdout.trimEnd().split('\n');
}
const demoCase = (...args: string[]) => tongban('demo-case', ...args);

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npx tongban demo-case', () => {
  it('seeds an empty directory and prints the number of a complete, pre-checked and accepted case last', async () => {
    const first = (await demoCase()).at(-1)!;
    const second = (await demoCase('--item', 'TB-YYZZ-BG')).at(-1)!;
    expect(first).toMatch(CASE_NUMBER_PATTERN);
    expect(second).toMatch(CASE_NUMBER_PATTERN);
    expect(second).not.toBe(first);

    const ctx = createContext(loadConfig({}, { DATA_DIR: dataDir, OCR_WORKERS: 0 }), createLogger('silent'));
    try {
      for (const caseNo of [first, second]) {
        const c = ctx.cases.findByCaseNo(caseNo)!;
        expect(c, caseNo).toBeDefined();
        expect(isValidIdNumber(c.applicant.idNumber)).toBe(true);
        expect(c.applicant.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
        const item = ctx.catalog.getItem(c.itemCode);
        const materials = ctx.materials.list(c.id);
        expect(materials.map((m) => m.slotCode).sort()).toEqual(
          item.materials
            .filter((m) => m.required)
            .map((m) => m.code)
            .sort(),
        );
        for (const m of materials) {
          expect(m.mediaType).toBe('image/png');
          expect(m.size).toBeGreaterThan(10_000);
        }
        // The real OCR pre-check ran on every scan, then the handling office's reviewer accepted it.
        expect(c.state, caseNo).toBe('accepted');
        const clerk = ctx.auth.userByName('clerk')!;
        const precheck = ctx.precheck.forUser(c.id, clerk);
        expect(precheck.ready).toBe(true);
        expect(precheck.materials).toHaveLength(materials.length);
        for (const m of precheck.materials) {
          expect(m.status, m.slotCode).toBe('done');
          expect(['pass', 'warn'], m.slotCode).toContain(m.verdict);
          expect(m.pages.length, m.slotCode).toBeGreaterThan(0);
        }
        const front = precheck.materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
        expect(front.fields.find((f) => f.key === 'idNumber')?.value).toBe(c.applicant.idNumber);
        expect(ctx.ledger.forCase(c.id).map((e) => e.action)).toEqual(
          expect.arrayContaining(['case.precheck', 'case.request_review', 'review.accepted', 'review.consent_recorded', 'case.accept']),
        );
        // The co-review on record is the demo reviewer's 受理, every step labelled as demo data.
        const review = ctx.review.reviewExport(c.id)!;
        expect(review.decision).toMatchObject({ outcome: 'accept', decidedByName: '王审核', note: DEMO_REVIEW_NOTE });
        expect(review.consent).toMatchObject({ recordingAllowed: false, snapshotsAllowed: false, note: DEMO_REVIEW_NOTE });
        expect(review.checks.map((k) => k.step).sort()).toEqual(['face_match', 'id_back', 'id_front', 'id_tilt', 'liveness']);
        for (const k of review.checks) expect(k).toMatchObject({ passed: true, note: DEMO_REVIEW_NOTE });
        expect(review.snapshots).toEqual([]);
      }
      // Progress goes to stderr, so stdout's last line stays the case number.
      expect(stderrs[0]).toMatch(/recognising \d+%/);
      const company = ctx.cases.findByCaseNo(second)!.company!;
      expect(isValidUscc(company.uscc)).toBe(true);
      expect(ctx.ledger.verify().ok).toBe(true);
      expect(ctx.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });

  it('hands the demo case off: its bag builds and verifies against the site key', async () => {
    const caseNo = (await demoCase()).at(-1)!;
    const bag = path.join(dataDir, `${caseNo}.zip`);
    const trust = path.join(dataDir, 'site-key.txt');
    await tongban('handoff', 'build', caseNo, '--out', bag);
    fs.writeFileSync(trust, `${(await tongban('handoff', 'key', 'export')).join('\n')}\n`);
    const report = await tongban('handoff', 'verify', bag, '--trust', trust);
    expect(report.at(-1)).toBe('结果：有效 / VALID');
  });

  it('corrects a name OCR got wrong, as a clerk would, under audit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-demo-misread-'));
    const ctx = createContext(loadConfig({}, { DATA_DIR: dir, OCR_WORKERS: 1, DEMO_PASSWORD: TEST_PASSWORD }), createLogger('silent'));
    try {
      const out: string[] = [];
      const run: DemoCaseRun = { ctx, itemCode: 'TB-SBK-SL', say: (l) => out.push(l), progress: () => undefined };
      // Stand-in for a misread: the card carries a name that is not the case's.
      const misprint: DemoCaseStep = {
        title: 'misprint the card',
        run: async (r) => {
          r.applicant = { ...r.applicant!, name: r.applicant!.name === '欧阳娜' ? '欧阳丽' : '欧阳娜' };
        },
      };
      const steps = [...DEMO_CASE_STEPS];
      steps.splice(
        steps.findIndex((st) => st.title.includes('扫描并上传')),
        0,
        misprint,
      );
      for (const step of steps) await step.run(run);
      const c = ctx.cases.get(run.caseId!);
      expect(c.state).toBe('accepted');
      expect(out.some((l) => l.includes('corrected name'))).toBe(true);
      const front = ctx.precheck.forUser(c.id, ctx.auth.userByName('clerk')!).materials.find((m) => m.slotCode === 'ID_CARD_FRONT')!;
      expect(front.fields.find((f) => f.key === 'name')).toMatchObject({ value: c.applicant.name, corrected: true });
      expect(ctx.ledger.forCase(c.id).map((e) => e.action)).toEqual(expect.arrayContaining(['precheck.field_corrected', 'case.precheck']));
    } finally {
      await ctx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown item', async () => {
    await expect(demoCase('--item', 'NO-SUCH')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('ITEM_UNKNOWN') });
  });
});
