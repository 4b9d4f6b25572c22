/**
 * `npm run bench:api`: the read paths of the REST API under a window's load — 100 clerks and
 * 2 supervisors as virtual users with their own sessions (tests/bench/apiLoad/*) against the
 * real server (`server/src/main.ts`) in a child process, on loopback, with a seeded office
 * (demo data + 500 cases with their materials and audit events). Prints p50/p95/p99 per endpoint,
 * req/s and errors, next to an anchor answered by the same server under the same load:
 * GET /api/auth/me (session lookup + a tiny JSON), i.e. what the HTTP stack itself costs.
 * Target: every read path's p99 < 200 ms.
 *
 * Phases (API_BENCH_PHASES=idle,ocr): `idle` with OCR off; `ocr` with the OCR pool (one
 * worker per core) kept busy by a clerk uploading real generated scans during the window.
 * Knobs: API_BENCH_RATE (offered req/s, default 570 as the probe in the issue measured; 0 =
 * back to back), API_BENCH_SECONDS (window, default 20), API_BENCH_CLERKS, API_BENCH_SUPERVISORS,
 * API_BENCH_CASES_PER_CLERK, API_BENCH_CPU_PROF=1 (prints the server's hottest functions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaseView, ServiceItem } from '@tongban/shared';
import { openDatabase } from '@tongban/server/storage/database';
import { REPO_ROOT } from '@tongban/server/config/config';
import { demoApplicant } from '@tongban/server/cases/demo/demoApplicant';
import { renderDemoScan } from '@tongban/server/cases/demo/demoScans';
import { DEMO_SERVICE_ITEMS } from '@tongban/shared/catalog/items';
import { seedLoadData, type LoadSeed } from './apiLoad/seed';
import { mainThreadProfile, startServerProcess, type ServerProcess } from './apiLoad/serverProcess';
import { HttpUser, runLoad, summarize, type LoadResult, type NextRequest, type Sample } from './apiLoad/loadGen';
import { topSelfTime } from './apiLoad/cpuProfile';
import { pinToCore, unpin } from './cpuPinning';

const num = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const CLERKS = num('API_BENCH_CLERKS', 100);
const SUPERVISORS = num('API_BENCH_SUPERVISORS', 2);
const CASES_PER_CLERK = num('API_BENCH_CASES_PER_CLERK', 5);
const RATE = num('API_BENCH_RATE', 570);
const SECONDS = num('API_BENCH_SECONDS', 20);
const WARMUP_SECONDS = 3;
const PHASES = (process.env.API_BENCH_PHASES ?? 'idle,ocr').split(',').map((s) => s.trim());
const CPU_PROF = process.env.API_BENCH_CPU_PROF === '1';
const TARGET_P99_MS = 200;
const PASSWORD = 'bench-password-123';
const ANCHOR = 'GET /api/auth/me (anchor)';
const ENDPOINTS = [
  ANCHOR,
  'GET /api/cases?scope=mine',
  'GET /api/cases?scope=queue',
  'GET /api/cases/:id',
  'GET /api/cases/:id/precheck',
  'GET /api/cases/:id/audit',
  'GET /api/ledger',
  'GET /api/ledger/ratings',
];
/** OCR jobs the uploader keeps queued or running in the `ocr` phase: enough for every worker. */
const OCR_QUEUE_DEPTH = os.availableParallelism() + 2;

const progress = (msg: string) => process.stderr.write(`[bench:api] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/* ---------- virtual users ---------- */

async function login(url: string, username: string): Promise<HttpUser> {
  const u = new HttpUser(new URL(url));
  const r = await u.json('POST', '/api/auth/login', { username, password: PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body.toString()}`);
  return u;
}

/** A clerk at the desk: the desk list, then a case (detail, pre-check, audit trail), the queue's first page now and then. */
function clerkScript(caseIds: string[]): NextRequest {
  let step = 0;
  let caseId = caseIds[0]!;
  const steps: Array<() => { endpoint: string; path: string }> = [
    () => ({ endpoint: 'GET /api/cases?scope=mine', path: '/api/cases?scope=mine' }),
    () => {
      caseId = caseIds[Math.floor(Math.random() * caseIds.length)]!;
      return { endpoint: 'GET /api/cases/:id', path: `/api/cases/${caseId}` };
    },
    () => ({ endpoint: 'GET /api/cases/:id/precheck', path: `/api/cases/${caseId}/precheck` }),
    () => ({ endpoint: 'GET /api/cases/:id/audit', path: `/api/cases/${caseId}/audit` }),
    () => ({ endpoint: ANCHOR, path: '/api/auth/me' }),
    () => {
      caseId = caseIds[Math.floor(Math.random() * caseIds.length)]!;
      return { endpoint: 'GET /api/cases/:id', path: `/api/cases/${caseId}` };
    },
    () => ({ endpoint: 'GET /api/cases/:id/precheck', path: `/api/cases/${caseId}/precheck` }),
    () => ({ endpoint: 'GET /api/cases?scope=queue', path: '/api/cases?scope=queue' }),
    () => ({ endpoint: ANCHOR, path: '/api/auth/me' }),
  ];
  step = Math.floor(Math.random() * steps.length);
  return () => steps[step++ % steps.length]!();
}

/** A supervisor: the work ledger and its ratings, the office queue, a case from it. */
function supervisorScript(caseIds: string[]): NextRequest {
  let step = Math.floor(Math.random() * 5);
  const steps: Array<() => { endpoint: string; path: string }> = [
    () => ({ endpoint: 'GET /api/ledger', path: '/api/ledger' }),
    () => ({ endpoint: 'GET /api/ledger/ratings', path: '/api/ledger/ratings' }),
    () => ({ endpoint: 'GET /api/cases?scope=queue', path: '/api/cases?scope=queue' }),
    () => ({ endpoint: 'GET /api/cases/:id', path: `/api/cases/${caseIds[Math.floor(Math.random() * caseIds.length)]!}` }),
    () => ({ endpoint: ANCHOR, path: '/api/auth/me' }),
  ];
  return () => steps[step++ % steps.length]!();
}

interface VirtualUser {
  http: HttpUser;
  role: 'clerk' | 'supervisor';
  caseIds: string[];
  next: NextRequest;
}

async function loginAll(url: string, seed: LoadSeed): Promise<VirtualUser[]> {
  const users: VirtualUser[] = [];
  const all = [
    ...seed.clerks.map((n) => ({ n, role: 'clerk' as const })),
    ...seed.supervisors.map((n) => ({ n, role: 'supervisor' as const })),
  ];
  // A few at a time: each login is an scrypt verification.
  for (let i = 0; i < all.length; i += 4) {
    const batch = await Promise.all(
      all.slice(i, i + 4).map(async ({ n, role }) => {
        const http = await login(url, n);
        const list = await http.request('GET', `/api/cases?scope=${role === 'clerk' ? 'mine' : 'all'}&pageSize=100`);
        const ids = (JSON.parse(list.body.toString()) as { cases: CaseView[] }).cases.map((c) => c.id);
        if (ids.length === 0) throw new Error(`${n} sees no cases`);
        return { http, role, caseIds: ids, next: role === 'clerk' ? clerkScript(ids) : supervisorScript(ids) };
      }),
    );
    users.push(...batch);
  }
  return users;
}

/* ---------- the OCR-busy phase's uploader ---------- */

function multipart(fileName: string, bytes: Buffer): { type: string; bytes: Buffer } {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    bytes: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

/**
 * The demo clerk scanning at the window: opens cases and uploads generated scans that match the
 * applicant whenever fewer than OCR_QUEUE_DEPTH pre-check jobs are waiting, until `stop()`.
 */
async function startUploader(url: string, dataDir: string): Promise<{ samples: Sample[]; stop(): Promise<void> }> {
  const item: ServiceItem = DEMO_SERVICE_ITEMS.find((i) => i.code === 'TB-SBK-SL')!;
  const a = demoApplicant(item.handlingOfficeId, new Date());
  const today = new Date().toISOString().slice(0, 10);
  const scans = await Promise.all(
    item.materials
      .filter((m) => m.required)
      .map(async (slot) => ({ slot: slot.code, scan: await renderDemoScan(slot, { item, applicant: a, today }) })),
  );
  const clerk = await login(url, 'clerk');
  const db = openDatabase(path.join(dataDir, 'tongban.sqlite'), { readonly: true });
  const depth = db.prepare(`SELECT COUNT(*) FROM precheck_jobs WHERE status IN ('queued', 'running')`).pluck();
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      if ((depth.get() as number) >= OCR_QUEUE_DEPTH) {
        await sleep(100);
        continue;
      }
      const created = await clerk.json('POST', '/api/cases', {
        itemCode: item.code,
        applicant: { name: a.name, idType: 'resident-id', idNumber: a.idNumber, phone: a.phone },
      });
      if (created.status !== 201) throw new Error(`uploader: create case ${created.status} ${created.body.toString()}`);
      const caseId = (JSON.parse(created.body.toString()) as { case: { id: string } }).case.id;
      for (const { slot, scan } of scans) {
        const t = performance.now();
        const r = await clerk.request('POST', `/api/cases/${caseId}/materials/${slot}`, multipart(scan.fileName, scan.bytes));
        samples.push({ endpoint: 'POST /api/cases/:id/materials/:slot (upload)', ms: performance.now() - t, status: r.status });
      }
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
      db.close();
      clerk.close();
    },
  };
}

/** Waits until the server has no pre-check job left (the seed's queued ones run first when OCR starts). */
async function drainOcrQueue(dataDir: string, limitMs: number): Promise<number> {
  const db = openDatabase(path.join(dataDir, 'tongban.sqlite'), { readonly: true });
  const depth = db.prepare(`SELECT COUNT(*) FROM precheck_jobs WHERE status IN ('queued', 'running')`).pluck();
  const t0 = Date.now();
  try {
    for (let left = depth.get() as number; left > 0 && Date.now() - t0 < limitMs; left = depth.get() as number) await sleep(500);
    return depth.get() as number;
  } finally {
    db.close();
  }
}

/* ---------- server CPU per request ---------- */

const COST_REQUESTS = 150;

/**
 * Server CPU per request of each endpoint: one user, requests one after another, the server
 * process's CPU time over them. Unlike latency this does not depend on what else the machine runs.
 */
async function serverCostPerRequest(server: ServerProcess, users: VirtualUser[]): Promise<Map<string, number>> {
  const clerk = users.find((u) => u.role === 'clerk')!;
  const supervisor = users.find((u) => u.role === 'supervisor') ?? clerk;
  const probes: Array<[string, VirtualUser, () => string]> = [
    [ANCHOR, clerk, () => '/api/auth/me'],
    ['GET /api/cases?scope=mine', clerk, () => '/api/cases?scope=mine'],
    ['GET /api/cases?scope=queue', clerk, () => '/api/cases?scope=queue'],
    ['GET /api/cases/:id', clerk, () => `/api/cases/${clerk.caseIds[0]!}`],
    ['GET /api/cases/:id/precheck', clerk, () => `/api/cases/${clerk.caseIds[0]!}/precheck`],
    ['GET /api/cases/:id/audit', clerk, () => `/api/cases/${clerk.caseIds[0]!}/audit`],
    ['GET /api/ledger', supervisor, () => '/api/ledger'],
    ['GET /api/ledger/ratings', supervisor, () => '/api/ledger/ratings'],
  ];
  const cost = new Map<string, number>();
  for (const [endpoint, user, path] of probes) {
    const cpu0 = server.cpuSeconds();
    for (let i = 0; i < COST_REQUESTS; i++) await user.http.request('GET', path());
    cost.set(endpoint, ((server.cpuSeconds() - cpu0) * 1000) / COST_REQUESTS);
  }
  return cost;
}

/* ---------- one phase ---------- */

interface PhaseResult {
  name: string;
  load: LoadResult;
  extra: Sample[];
  /** Server CPU ms per request by endpoint (OCR idle only: busy workers would be counted too). */
  cost?: Map<string, number>;
  serverCpuPct: number;
  logLinesPerSecond: number;
  profile?: string[][];
}

async function runPhase(name: string, dataDir: string, seed: LoadSeed): Promise<PhaseResult> {
  const ocr = name === 'ocr';
  const profDir = CPU_PROF ? fs.mkdtempSync(path.join(os.tmpdir(), 'api-bench-prof-')) : undefined;
  const server: ServerProcess = await startServerProcess(
    dataDir,
    { OCR_WORKERS: ocr ? String(os.availableParallelism()) : '0', DEMO_PASSWORD: PASSWORD },
    profDir ? { cpuProfileDir: profDir } : {},
  );
  progress(`${name}: server pid ${server.pid} at ${server.url}`);
  // Idle: the server alone on the last core, this load generator on the other(s), so neither's
  // bursts steal the other's CPU and the tail is the server's own. The OCR phase leaves the
  // server unpinned: its OCR workers are threads of the server and share all cores, as in use.
  const pinned = ocr ? null : await pinToCore(server.pid, 'last');
  if (pinned) await pinToCore(process.pid, 'rest');
  progress(`${name}: ${pinned ? `server pinned to core ${pinned.worker}, load generator to ${pinned.rest}` : 'not pinned'}`);
  let uploader: Awaited<ReturnType<typeof startUploader>> | undefined;
  try {
    if (ocr) {
      // The seed's scans are random bytes: their jobs fail fast, but they go first.
      const left = await drainOcrQueue(dataDir, 120_000);
      if (left > 0) progress(`${name}: ${left} seeded pre-check jobs still queued after 120 s`);
    }
    const users = await loginAll(server.url, seed);
    progress(`${name}: ${users.length} users signed in`);
    if (ocr) {
      uploader = await startUploader(server.url, dataDir);
      await sleep(5000); // the workers have picked up the first scans
    }
    await runLoad(users, RATE, WARMUP_SECONDS);
    const cpu0 = server.cpuSeconds();
    const lines0 = server.logLines();
    const extra0 = uploader?.samples.length ?? 0;
    const load = await runLoad(users, RATE, SECONDS);
    const serverCpuPct = ((server.cpuSeconds() - cpu0) / load.seconds) * 100;
    const logLinesPerSecond = (server.logLines() - lines0) / load.seconds;
    const extra = uploader?.samples.slice(extra0) ?? [];
    await uploader?.stop();
    uploader = undefined;
    const cost = ocr ? undefined : await serverCostPerRequest(server, users);
    for (const u of users) u.http.close();
    await server.stop();
    const prof = profDir ? mainThreadProfile(profDir) : undefined;
    return {
      name,
      load,
      extra,
      serverCpuPct,
      logLinesPerSecond,
      ...(cost ? { cost } : {}),
      ...(prof ? { profile: topSelfTime(prof) } : {}),
    };
  } finally {
    await uploader?.stop();
    await server.stop();
    if (pinned) await unpin(process.pid);
  }
}

/* ---------- report ---------- */

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n');
}

function report(p: PhaseResult): boolean {
  const rows = summarize(p.load.samples, ENDPOINTS);
  const anchor = rows.find((r) => r.endpoint === ANCHOR);
  const ms = (v: number) => v.toFixed(1);
  let met = true;
  const lines = rows.map((r) => {
    const isAnchor = r.endpoint === ANCHOR;
    const ok = r.p99 < TARGET_P99_MS && r.errors === 0;
    if (!isAnchor) met &&= ok;
    return [
      r.endpoint,
      String(r.count),
      String(r.errors),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      ms(r.max),
      anchor && !isAnchor ? `${(r.p99 / anchor.p99).toFixed(1)}×` : '',
      p.cost?.has(r.endpoint) ? p.cost.get(r.endpoint)!.toFixed(2) : '',
      isAnchor ? '' : ok ? 'MET' : 'NOT MET',
    ];
  });
  for (const r of summarize(p.extra, []))
    lines.push([r.endpoint, String(r.count), String(r.errors), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), '', '', '(not a read path)']);
  const total = p.load.samples.length;
  const errors = p.load.samples.filter((s) => s.status === 0 || s.status >= 400).length;
  console.log(
    `\nPhase "${p.name}" — ${p.name === 'ocr' ? `OCR pool busy (${os.availableParallelism()} workers, a clerk uploading scans)` : 'OCR off'}: ` +
      `${CLERKS} clerks + ${SUPERVISORS} supervisors, offered ${RATE > 0 ? `${RATE} req/s` : 'back to back'}, ${p.load.seconds.toFixed(1)} s`,
  );
  console.log(
    table(
      [
        'endpoint',
        'requests',
        'errors',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'p99 / anchor',
        'server CPU ms/req',
        `p99 < ${TARGET_P99_MS} ms`,
      ],
      lines,
    ),
  );
  console.log(
    `achieved ${(total / p.load.seconds).toFixed(0)} req/s, ${errors} errors; server CPU ${p.serverCpuPct.toFixed(0)}% of one core (all threads), ` +
      `${p.logLinesPerSecond.toFixed(1)} log lines/s; load generator CPU ${p.load.clientCpuPct.toFixed(0)}% of one core, ` +
      `its event-loop delay p99 ${p.load.clientLoopDelayP99Ms.toFixed(1)} ms, ${p.load.lateStarts} requests started > 10 ms late`,
  );
  if (p.profile) {
    console.log(`\nServer CPU profile ("${p.name}", whole run): functions by self time`);
    console.log(table(['function', 'self ms', 'share'], p.profile));
  }
  console.log(`Read paths p99 < ${TARGET_P99_MS} ms ("${p.name}"): ${met ? 'MET' : 'NOT MET'}`);
  return met;
}

/* ---------- main ---------- */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-bench-'));
try {
  const t0 = performance.now();
  const seed = await seedLoadData(dataDir, {
    clerks: CLERKS,
    supervisors: SUPERVISORS,
    casesPerClerk: CASES_PER_CLERK,
    password: PASSWORD,
  });
  progress(
    `seeded ${seed.clerks.length} clerks, ${seed.supervisors.length} supervisors, ${seed.cases} cases, ${seed.materials} materials in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const ocrData = fs.existsSync(path.join(REPO_ROOT, '.ocr-data/chi_sim.traineddata.gz'));
  const results: PhaseResult[] = [];
  for (const phase of PHASES) {
    if (phase === 'ocr' && !ocrData) {
      progress('ocr phase skipped: no OCR language data in .ocr-data (npm start installs it)');
      continue;
    }
    results.push(await runPhase(phase, dataDir, seed));
  }
  console.log(
    `\nAPI read-path benchmark (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, Node ${process.version}; load generator on the same machine; in the idle phase the server runs alone on one core, the generator on the other)`,
  );
  const verdicts = results.map(report);
  console.log(
    `\nTarget: every read path p99 < ${TARGET_P99_MS} ms under the load — ${verdicts.every(Boolean) ? 'MET' : 'NOT MET'} (${results.map((r) => r.name).join(', ')})`,
  );
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
