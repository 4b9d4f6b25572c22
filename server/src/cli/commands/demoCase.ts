import { Readable } from 'node:stream';
import { AppError, type ServiceItem } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import type { CliCommand } from '../command';
import type { AppContext } from '../../context';
import type { SessionUser } from '../../auth/AuthService';
import { seedDemo } from '../../seed/demoSeed';
import { demoApplicant, demoCompany, type DemoApplicant, type DemoCompany } from '../../cases/demo/demoApplicant';
import { renderDemoScan } from '../../cases/demo/demoScans';

/** Shared state the steps of one demo-case run read and fill in. */
export interface DemoCaseRun {
  ctx: AppContext;
  itemCode: string;
  clerk?: SessionUser;
  item?: ServiceItem;
  applicant?: DemoApplicant;
  company?: DemoCompany;
  caseId?: string;
  caseNo?: string;
  say(line: string): void;
}

/**
 * One step of the demo. Later issues append theirs (pre-check results, a review decision);
 * each step checks what it needs from the run and fills in what it produced.
 */
export interface DemoCaseStep {
  title: string;
  run(run: DemoCaseRun): Promise<void>;
}

const DEFAULT_ITEM = 'TB-SBK-SL';

const seedIfEmpty: DemoCaseStep = {
  title: '初始化演示数据 / seed demo data if empty',
  async run(r) {
    const seed = await seedDemo(r.ctx, r.ctx.config.DEMO_PASSWORD);
    if (seed.seeded) r.say(`演示账号密码 / demo password: ${seed.password}`);
  },
};

const createCase: DemoCaseStep = {
  title: '窗口收件建档 / clerk opens the case',
  async run(r) {
    const { ctx } = r;
    r.item = ctx.catalog.getItem(r.itemCode);
    r.clerk = ctx.auth.userByName('clerk') ?? firstClerk(ctx);
    const now = ctx.clock.now();
    r.applicant = demoApplicant(r.item.handlingOfficeId, now);
    const needsCompany = r.item.materials.some((m) => m.kind === 'business-licence');
    if (needsCompany) r.company = demoCompany(r.applicant, r.applicant.idNumber.slice(0, 6));
    const created = ctx.cases.create(
      {
        itemCode: r.item.code,
        applicant: { name: r.applicant.name, idType: 'resident-id', idNumber: r.applicant.idNumber, phone: r.applicant.phone },
        ...(r.company ? { company: { name: r.company.name, uscc: r.company.uscc } } : {}),
      },
      r.clerk,
    );
    r.caseId = created.id;
    r.caseNo = created.caseNo;
    r.say(`${r.item.name}：申请人 ${r.applicant.name}，办结时限 ${created.deadline}`);
  },
};

const uploadScans: DemoCaseStep = {
  title: '扫描并上传申请材料 / scan and upload the materials',
  async run(r) {
    const { ctx, item, applicant, clerk, caseId } = r;
    if (!item || !applicant || !clerk || !caseId) throw new Error('uploadScans needs a created case');
    const today = chinaDate(ctx.clock.now());
    for (const slot of item.materials.filter((m) => m.required)) {
      const scan = await renderDemoScan(slot, { item, applicant, company: r.company, today });
      const up = await ctx.materials.upload(caseId, slot.code, clerk, { stream: Readable.from([scan.bytes]), fileName: scan.fileName });
      r.say(`  ${slot.name}: ${up.material.fileName} (${Math.round(up.material.size / 1024)} KB)`);
    }
  },
};

/** The steps in order; later issues add theirs after `uploadScans`. */
export const DEMO_CASE_STEPS: DemoCaseStep[] = [seedIfEmpty, createCase, uploadScans];

export const demoCaseCommand: CliCommand = {
  name: 'demo-case',
  usage: 'tongban demo-case [--data DIR] [--item CODE]',
  summary: 'Create a complete realistic case from generated scans; prints its case number last',
  options: { item: { type: 'string' } },
  async run({ values, open }) {
    const ctx = open();
    try {
      const run: DemoCaseRun = { ctx, itemCode: (values.item as string | undefined) ?? DEFAULT_ITEM, say: (line) => console.log(line) };
      for (const step of DEMO_CASE_STEPS) {
        console.log(`▶ ${step.title}`);
        await step.run(run);
      }
      // The last line is the case number alone, for scripts: `CASE=$(npx tongban demo-case | tail -1)`.
      console.log(run.caseNo);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};

function firstClerk(ctx: AppContext): SessionUser {
  const username = ctx.db
    .prepare("SELECT username FROM users WHERE role = 'clerk' AND disabled = 0 ORDER BY created_at LIMIT 1")
    .pluck()
    .get() as string | undefined;
  const clerk = username ? ctx.auth.userByName(username) : undefined;
  if (!clerk)
    throw new AppError('NOT_FOUND', {
      zh: '没有可用的窗口人员账号，请先运行 tongban seed',
      en: 'No clerk account; run `tongban seed` first',
    });
  return clerk;
}
