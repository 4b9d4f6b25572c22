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
import { TEST_PASSWORD } from '../support/testServer';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'server', 'bin', 'tongban.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-demo-'));

async function demoCase(...args: string[]): Promise<string[]> {
  const r = await run(process.execPath, [CLI, 'demo-case', '--data', dataDir, ...args], {
    env: { ...process.env, DEMO_PASSWORD: TEST_PASSWORD, LOG_LEVEL: 'silent', OCR_WORKERS: '0' },
  });
  return r.stdout.trimEnd().split('\n');
}

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npx tongban demo-case', () => {
  it('seeds an empty directory and prints the number of a complete case last', async () => {
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
      }
      const company = ctx.cases.findByCaseNo(second)!.company!;
      expect(isValidUscc(company.uscc)).toBe(true);
      expect(ctx.ledger.verify().ok).toBe(true);
      expect(ctx.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });

  it('refuses an unknown item', async () => {
    await expect(demoCase('--item', 'NO-SUCH')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('ITEM_UNKNOWN') });
  });
});
