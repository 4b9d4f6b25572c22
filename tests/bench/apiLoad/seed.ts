import { Readable } from 'node:stream';
import { loadConfig } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { createContext, type AppContext } from '@tongban/server/context';
import { seedDemo } from '@tongban/server/seed/demoSeed';
import { SYSTEM_ACTOR } from '@tongban/server/audit/AuditLedger';
import type { SessionUser } from '@tongban/server/auth/AuthService';
import { demoApplicant, demoCompany } from '@tongban/server/cases/demo/demoApplicant';
import { jpegBytes } from '../../support/caseFixtures';

/**
 * The bench's office: the demo seed, then `clerks` clerks and `supervisors` supervisors spread
 * over the two intake windows, each clerk with `casesPerClerk` cases whose required materials
 * are uploaded (through the services, so every row, blob and audit event is the real one). The
 * scans are JPEG-signed random bytes: OCR is not the point of the read load (OCR_WORKERS=0 here,
 * so their pre-check jobs stay queued).
 */
export interface LoadSeed {
  password: string;
  clerks: string[];
  supervisors: string[];
  cases: number;
  materials: number;
}

const INTAKE_OFFICES = ['gd-sg-window', 'gd-sz-window'];

/** A small deterministic PRNG (mulberry32) so every run seeds the same office. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedLoadData(
  dataDir: string,
  opts: { clerks: number; supervisors: number; casesPerClerk: number; password: string },
): Promise<LoadSeed> {
  const config = loadConfig({}, { NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'warn', OCR_WORKERS: 0 });
  const ctx: AppContext = createContext(config, createLogger(config.LOG_LEVEL));
  try {
    await seedDemo(ctx, opts.password);
    const mk = (role: 'clerk' | 'supervisor', i: number) =>
      ctx.auth.createUser(
        {
          username: `bench-${role}-${String(i).padStart(3, '0')}`,
          displayName: `${role === 'clerk' ? '窗口' : '主管'}${i}`,
          role,
          officeId: INTAKE_OFFICES[i % INTAKE_OFFICES.length]!,
          password: opts.password,
        },
        SYSTEM_ACTOR,
      );
    const clerks: SessionUser[] = await Promise.all(Array.from({ length: opts.clerks }, (_, i) => mk('clerk', i)));
    const supervisors: SessionUser[] = await Promise.all(Array.from({ length: opts.supervisors }, (_, i) => mk('supervisor', i)));

    const rand = prng(20240611);
    const items = ctx.catalog.listItems();
    const now = ctx.clock.now();
    let cases = 0;
    let materials = 0;
    for (const clerk of clerks) {
      for (let k = 0; k < opts.casesPerClerk; k++) {
        const item = items[Math.floor(rand() * items.length)]!;
        const a = demoApplicant(item.handlingOfficeId, now, rand);
        const needsCompany = item.materials.some((m) => m.kind === 'business-licence');
        const company = needsCompany ? demoCompany(a, a.idNumber.slice(0, 6), rand) : undefined;
        const c = ctx.cases.create(
          {
            itemCode: item.code,
            applicant: { name: a.name, idType: 'resident-id', idNumber: a.idNumber, phone: a.phone },
            ...(company ? { company: { name: company.name, uscc: company.uscc } } : {}),
          },
          clerk,
        );
        cases++;
        for (const slot of item.materials.filter((m) => m.required)) {
          await ctx.materials.upload(c.id, slot.code, clerk, {
            stream: Readable.from([jpegBytes(48 * 1024)]),
            fileName: `${slot.code}.jpg`,
          });
          materials++;
        }
      }
    }
    return {
      password: opts.password,
      clerks: clerks.map((u) => u.username),
      supervisors: supervisors.map((u) => u.username),
      cases,
      materials,
    };
  } finally {
    await ctx.close();
  }
}
