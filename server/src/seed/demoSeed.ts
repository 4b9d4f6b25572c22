import { SYSTEM_ACTOR, type AuditLedger } from '../audit/AuditLedger';
import type { AuthService } from '../auth/AuthService';
import type { CatalogService } from '../catalog/CatalogService';
import type { IdSource } from '../clock';
import type { Db } from '../storage/database';
import { DEMO_SERVICE_ITEMS } from '@tongban/shared/catalog/items';
import type { StepService } from '../steps/StepService';
import { DEMO_OFFICES, DEMO_USERS } from './demoOffices';
import { DEMO_ITEM_STEPS } from './demoStepLimits';

export interface SeedResult {
  seeded: boolean;
  password?: string;
  generatedPassword: boolean;
}

/** Seeds the demo offices, accounts and catalog on an empty database (audited like any change). */
export async function seedDemo(
  ctx: { db: Db; ids: IdSource; ledger: AuditLedger; catalog: CatalogService; auth: AuthService; steps: Pick<StepService, 'setItemSteps'> },
  password: string | undefined,
): Promise<SeedResult> {
  const existing = ctx.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
  if (existing > 0) return { seeded: false, generatedPassword: false };
  const generated = !password;
  const pw = password ?? ctx.ids.token(9);
  ctx.db.transaction(() => {
    const insertOffice = ctx.db.prepare(
      `INSERT INTO offices (id, code, name, kind, province, city, site_id, address, phone)
       VALUES (@id, @code, @name, @kind, @province, @city, @siteId, @address, @phone)`,
    );
    for (const o of DEMO_OFFICES) {
      insertOffice.run({ address: '', phone: '', ...o });
      ctx.ledger.append(SYSTEM_ACTOR, 'seed.office', { details: { officeId: o.id, name: o.name, siteId: o.siteId } });
    }
    for (const item of DEMO_SERVICE_ITEMS) ctx.catalog.seedItem(item, SYSTEM_ACTOR);
    for (const [code, steps] of Object.entries(DEMO_ITEM_STEPS)) ctx.steps.setItemSteps(code, steps, SYSTEM_ACTOR);
  })();
  for (const u of DEMO_USERS) await ctx.auth.createUser({ ...u, password: pw }, SYSTEM_ACTOR);
  return { seeded: true, password: pw, generatedPassword: generated };
}
