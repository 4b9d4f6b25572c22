import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Role } from '@tongban/shared';
import type { CliCommand } from '../command';
import { loadConfig, REPO_ROOT, type Config } from '../../config/config';
import { randomIds } from '../../clock';
import { SiteKeyring } from '../../handoff/siteKeys';
import { DEMO_OFFICES, DEMO_USERS } from '../../seed/demoOffices';

/**
 * `tongban demo-sites`: the cross-province demo on one machine — the Guangdong intake site and the
 * Hunan handling site as two server processes (each as `npm start` runs one: own port, own data
 * directory, demo seeded), each trusting the other's site key as an administrator sets it up
 * (`handoff key export` on one, `handoff key trust` on the other) and naming the other in
 * PEER_SITES. Ctrl-C or SIGTERM stops both.
 */

interface DemoSite {
  id: string;
  zh: string;
  en: string;
  port: number;
}

const USAGE = 'tongban demo-sites [--data DIR] [--gd-port 8080] [--hn-port 8081] [--skip-build]';
const READY = /Tongban Desk: (https?:\/\/\S+)/;
/** The first start may build the client (scripts/start.mjs) before it listens. */
const START_TIMEOUT_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 15_000;
const ROLE_LABELS: Record<Role, string> = {
  clerk: '收件窗口 clerk',
  reviewer: '审核人员 reviewer',
  supervisor: '主管 supervisor',
  admin: '管理员 admin',
};

/** The `i`-th of two halves of a port range, so the two sites' SFUs and recorders never compete for a port. */
function half(min: number, max: number, i: 0 | 1): { min: number; max: number } {
  const mid = Math.floor((min + max) / 2);
  return i === 0 ? { min, max: mid } : { min: mid + 1, max };
}

function exchangeKeys(a: SiteKeyring, b: SiteKeyring): void {
  a.trust(b.exportLine());
  b.trust(a.exportLine());
}

/** One password for both sites, kept next to them: a site is seeded once, and the banner must name the password it was seeded with. */
function demoPassword(root: string, config: Config): string {
  const file = path.join(root, 'demo-password.txt');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const password = config.DEMO_PASSWORD ?? randomIds.token(9);
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function siteUrl(site: DemoSite): string {
  return `http://127.0.0.1:${site.port}`;
}

function parsePort(raw: unknown, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--${name}: expected a port number, got ${String(raw)}`);
  return port;
}

/** Prefixes each line of the child's output with its site, and resolves with its URL once it listens. */
function startSite(site: DemoSite, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`site ${site.id} did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      process.stdout.write(`[${site.id}] ${line}\n`);
      const m = READY.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${site.id}] ${line}\n`));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`site ${site.id} exited (${signal ?? code}) before it listened`));
    });
  });
  return { child, ready };
}

function banner(sites: Array<DemoSite & { url: string }>, password: string): string {
  const lines = ['', '通办视审台 · 跨省两站演示 / Tongban Desk · two-site demo'];
  for (const s of sites) lines.push(`  ${s.zh} ${s.id}  ${s.en}: ${s.url}`);
  lines.push(`演示账号（两站密码相同）/ Demo logins (the same on both sites) — 密码 password: ${password}`);
  for (const s of sites) {
    const offices = new Set(DEMO_OFFICES.filter((o) => o.siteId === s.id).map((o) => o.id));
    const users = DEMO_USERS.filter((u) => offices.has(u.officeId)).map((u) => `${u.username}（${u.displayName}，${ROLE_LABELS[u.role]}）`);
    lines.push(`  ${s.id}: ${users.join('  ')}`);
  }
  lines.push(
    '试一试：在 gd 以 clerk 收件并转递，在 hn 以 reviewer 办理 / Try it: take in a case as clerk on gd, handle it as reviewer on hn.',
  );
  lines.push('Ctrl-C 停止两个站点 / Ctrl-C stops both sites.', '');
  return lines.join('\n');
}

export const demoSitesCommand: CliCommand = {
  name: 'demo-sites',
  usage: USAGE,
  summary: 'Run the intake site (gd) and the handling site (hn) side by side, keys exchanged (data under --data, default .data/demo-sites)',
  options: { 'gd-port': { type: 'string' }, 'hn-port': { type: 'string' }, 'skip-build': { type: 'boolean' } },
  async run({ values }) {
    const config = loadConfig(process.env);
    const root = path.resolve((values.data as string | undefined) ?? '.data/demo-sites');
    const sites: [DemoSite, DemoSite] = [
      { id: 'gd', zh: '广东（收件站点）', en: 'Guangdong intake site', port: parsePort(values['gd-port'], 8080, 'gd-port') },
      { id: 'hn', zh: '湖南（办理站点）', en: 'Hunan handling site', port: parsePort(values['hn-port'], 8081, 'hn-port') },
    ];
    fs.mkdirSync(root, { recursive: true });
    const dataDir = (s: DemoSite) => path.join(root, s.id);
    const [gdKeys, hnKeys] = sites.map((s) => new SiteKeyring(path.join(dataDir(s), 'keys'), s.id, undefined));
    exchangeKeys(gdKeys!, hnKeys!);
    const password = demoPassword(root, config);
    // Without --skip-build each site runs as `npm start` does (building what is not built yet, so
    // the second finds it done); with it, the server entry directly.
    const args = values['skip-build'] ? ['--import', 'tsx', 'server/src/main.ts'] : ['scripts/start.mjs'];

    const children: ChildProcess[] = [];
    let stopping = false;
    let failed = false;
    let allStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (allStopped = resolve));
    const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
    const stop = () => {
      if (stopping) return;
      stopping = true;
      const force = setTimeout(() => running().forEach((c) => c.kill('SIGKILL')), STOP_TIMEOUT_MS);
      void Promise.all(running().map((c) => new Promise((r) => c.once('exit', r)))).then(() => {
        clearTimeout(force);
        allStopped();
      });
      for (const c of running()) c.kill('SIGTERM');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    try {
      const urls: string[] = [];
      for (const [i, site] of sites.entries()) {
        const other = sites[1 - i]!;
        const rtc = half(config.RTC_MIN_PORT, config.RTC_MAX_PORT, i as 0 | 1);
        const rec = half(config.RECORDING_MIN_PORT, config.RECORDING_MAX_PORT, i as 0 | 1);
        const { child, ready } = startSite(site, args, {
          ...process.env,
          SITE_ID: site.id,
          HOST: '127.0.0.1',
          PORT: String(site.port),
          DATA_DIR: dataDir(site),
          PEER_SITES: `${other.id}=${siteUrl(other)}`,
          SEED_DEMO: 'true',
          DEMO_PASSWORD: password,
          RTC_MIN_PORT: String(rtc.min),
          RTC_MAX_PORT: String(rtc.max),
          RECORDING_MIN_PORT: String(rec.min),
          RECORDING_MAX_PORT: String(rec.max),
          // Plain HTTP on loopback (a secure context for camera and microphone), each site its own URL and trust file.
          TLS_SELF_SIGNED: 'false',
          TLS_CERT: undefined,
          TLS_KEY: undefined,
          PUBLIC_URL: undefined,
          PEER_KEYS_FILE: undefined,
        });
        children.push(child);
        // A site that stops by itself takes the other down with it.
        child.once('exit', () => {
          if (stopping) return;
          failed = true;
          stop();
        });
        urls.push(await ready);
      }
      console.log(
        banner(
          sites.map((s, i) => ({ ...s, url: urls[i]! })),
          password,
        ),
      );
    } catch (e) {
      if (!stopping) {
        console.error(`演示站点未能启动 / the demo sites did not start: ${(e as Error).message}`);
        failed = true;
        stop();
      }
    }
    await stopped;
    return failed ? 1 : 0;
  },
};
