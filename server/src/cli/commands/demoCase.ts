import { Readable } from 'node:stream';
import { AppError, maskIdNumber, type ServiceItem } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { PRECHECK_EVENTS, type CasePrecheckResponse, type PrecheckProgressEvent } from '@tongban/shared/precheck/api';
import { IDENTITY_STEPS, IDENTITY_STEP_LABELS } from '@tongban/shared/review/checklist';
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
  /** The reviewer of the case's handling office who decides the co-review. */
  reviewer?: SessionUser;
  item?: ServiceItem;
  applicant?: DemoApplicant;
  company?: DemoCompany;
  caseId?: string;
  caseNo?: string;
  /** A result line (stdout). */
  say(line: string): void;
  /** Progress of a long step (stderr, so stdout stays the result). */
  progress(line: string): void;
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
    r.clerk = ctx.auth.userByName('clerk') ?? firstUser(ctx, 'clerk');
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

/** How often the pre-check step looks whether the case's OCR jobs have finished. */
const PRECHECK_POLL_MS = 200;

const runPrecheck: DemoCaseStep = {
  title: '智能预审（OCR）/ OCR pre-check of the scans',
  async run(r) {
    const { ctx, clerk, caseId, item } = r;
    if (!clerk || !caseId || !item) throw new Error('runPrecheck needs uploaded scans');
    if (ctx.config.OCR_WORKERS === 0) throw new AppError('PRECHECK_OCR_DISABLED', { details: { OCR_WORKERS: 0 } });
    const slotName = (materialId: string, s: CasePrecheckResponse) => {
      const code = s.materials.find((m) => m.materialId === materialId)?.slotCode;
      return item.materials.find((m) => m.code === code)?.name ?? code ?? materialId;
    };
    // No sockets here: the service's progress events go to stderr, one line per stage.
    const lastStage = new Map<string, string>();
    ctx.precheck.setNotifier((_rooms, event, payload) => {
      const e = payload as PrecheckProgressEvent;
      if (event !== PRECHECK_EVENTS.progress || e.caseId !== caseId || lastStage.get(e.materialId) === e.stage) return;
      lastStage.set(e.materialId, e.stage);
      r.progress(`  ${slotName(e.materialId, ctx.precheck.forUser(caseId, clerk))}: ${e.stage} ${Math.round(e.progress * 100)}%`);
    });
    // The uploads queued their jobs; this warms the workers and drains the queue.
    await ctx.precheck.start();
    let s = ctx.precheck.forUser(caseId, clerk);
    while (s.materials.some((m) => m.status === 'queued' || m.status === 'running')) {
      await new Promise((res) => setTimeout(res, PRECHECK_POLL_MS));
      s = ctx.precheck.forUser(caseId, clerk);
    }
    for (const m of s.materials) {
      const findings = m.findings.map((f) => `${f.severity} ${f.code}`).join(', ');
      r.say(`  ${slotName(m.materialId, s)}: ${m.verdict ?? m.status}${findings ? `（${findings}）` : ''}`);
    }
    correctMisreads(r, s);
    const done = ctx.precheck.complete(caseId, clerk, '演示办件：生成的扫描件已完成智能预审');
    r.say(`预审完成，办件状态 / state: ${done.case.state}`);
  },
};

/**
 * OCR now and then misreads a generated name or number (some glyph pairs are hard). The demo
 * knows what it printed, so it does what a clerk does with the original in hand: corrects the
 * field, with a reason, under audit. Anything else still blocking fails the step.
 */
function correctMisreads(r: DemoCaseRun, s: CasePrecheckResponse): void {
  const { ctx, clerk, caseId, applicant } = r;
  if (!clerk || !caseId || !applicant) return;
  // Name, number and company as registered on the case (what the rules compare with).
  const c = ctx.cases.get(caseId);
  const truth: Record<string, string | undefined> = {
    name: c.applicant.name,
    idNumber: c.applicant.idNumber,
    birth: applicant.birth,
    sex: applicant.sex,
    uscc: c.company?.uscc,
    companyName: c.company?.name,
  };
  for (const m of s.materials) {
    const keys = new Set(m.findings.filter((f) => f.severity === 'block' && !f.override && f.fieldKey).map((f) => f.fieldKey!));
    for (const fieldKey of keys) {
      const value = truth[fieldKey];
      if (value === undefined) continue;
      const read = m.fields.find((f) => f.key === fieldKey)?.value ?? '';
      ctx.precheck.correct(caseId, clerk, { materialId: m.materialId, fieldKey, value, reason: '演示：按原件核对后更正识别结果' });
      r.say(
        `  更正 / corrected ${fieldKey}: 「${fieldKey === 'idNumber' ? maskIdNumber(read) : read}」→「${fieldKey === 'idNumber' ? maskIdNumber(value) : value}」`,
      );
    }
  }
}

/**
 * Every consent and check the demo records says so: a CLI has no camera, so nobody saw the
 * applicant. The audit trail and the handoff bag must never pass this off as a real video check.
 */
export const DEMO_REVIEW_NOTE = '演示数据：未经实时视频会审 / demo data, no live video check';

const runCoReview: DemoCaseStep = {
  title: '视频会审并受理 / co-review and 受理 (demo data, no video)',
  async run(r) {
    const { ctx, clerk, caseId } = r;
    if (!clerk || !caseId) throw new Error('runCoReview needs a pre-checked case');
    const c = ctx.cases.get(caseId);
    const reviewer = firstUser(ctx, 'reviewer', c.handlingOfficeId);
    r.reviewer = reviewer;
    const requested = ctx.review.request(clerk, caseId);
    const session = ctx.review.accept(reviewer, requested.id);
    r.say(`  ${reviewer.displayName} 接入会审 / accepted the session`);
    // No camera here: nothing may be recorded, and no snapshot is taken.
    ctx.review.recordConsent(reviewer, session.id, { recordingAllowed: false, snapshotsAllowed: false, note: DEMO_REVIEW_NOTE });
    for (const step of IDENTITY_STEPS) {
      // Liveness needs a server-issued prompt on record first, even though nobody follows it here.
      if (step === 'liveness') ctx.review.issueLivenessPrompt(reviewer, session.id);
      ctx.review.recordCheck(reviewer, session.id, { step, passed: true, note: DEMO_REVIEW_NOTE });
      r.say(`  ${IDENTITY_STEP_LABELS[step].zh}: ${DEMO_REVIEW_NOTE}`);
    }
    ctx.review.decide(reviewer, session.id, { outcome: 'accept', note: DEMO_REVIEW_NOTE });
    r.say(`受理完成，办件状态 / state: ${ctx.cases.get(caseId).state}`);
  },
};

/** The steps in order; later issues add theirs at the end. */
export const DEMO_CASE_STEPS: DemoCaseStep[] = [seedIfEmpty, createCase, uploadScans, runPrecheck, runCoReview];

export const demoCaseCommand: CliCommand = {
  name: 'demo-case',
  usage: 'tongban demo-case [--data DIR] [--item CODE]',
  summary: 'Create a realistic case from generated scans, OCR pre-checked; prints its case number last',
  options: { item: { type: 'string' } },
  async run({ values, open }) {
    const ctx = open();
    try {
      const run: DemoCaseRun = {
        ctx,
        itemCode: (values.item as string | undefined) ?? DEFAULT_ITEM,
        say: (line) => console.log(line),
        progress: (line) => console.error(line),
      };
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

/** The earliest-created active account with this role (at this office, if given): the seeded demo one. */
function firstUser(ctx: AppContext, role: 'clerk' | 'reviewer', officeId?: string): SessionUser {
  const username = ctx.db
    .prepare(
      `SELECT username FROM users WHERE role = @role AND disabled = 0 ${officeId ? 'AND office_id = @officeId' : ''} ORDER BY created_at, rowid LIMIT 1`,
    )
    .pluck()
    .get({ role, ...(officeId ? { officeId } : {}) }) as string | undefined;
  const user = username ? ctx.auth.userByName(username) : undefined;
  if (!user)
    throw new AppError('NOT_FOUND', {
      zh: `没有可用的${role === 'clerk' ? '窗口人员' : '审核人员'}账号${officeId ? `（${officeId}）` : ''}，请先运行 tongban seed`,
      en: `No ${role} account${officeId ? ` at ${officeId}` : ''}; run \`tongban seed\` first`,
    });
  return user;
}
