import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@tongban/server/config/config';
import { SiteKeyring } from '@tongban/server/handoff/siteKeys';
import { signRequestHeaders } from '@tongban/server/handoff/siteSigning';
import { ApiClient } from '../support/testServer';
import { freePort } from '../support/freePort';

/**
 * `npx tongban demo-sites` as someone trying the cross-province flow runs it: two server
 * processes, two data directories, keys exchanged, both stopped by one SIGTERM.
 */
const PASSWORD = 'demo-sites-pass';
const SITES = ['gd', 'hn'] as const;
let child: ChildProcess;
let output = '';
let root: string;
const urls: Record<(typeof SITES)[number], string> = { gd: '', hn: '' };

/** The command's own children: the two site processes (Linux /proc). */
function sitePids(): number[] {
  const file = `/proc/${child.pid}/task/${child.pid}/children`;
  return fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** POST /api/transfers to `url` signed with `keys` for `site`, over a body whose digest is not the signed one. */
async function signedProbe(url: string, keys: SiteKeyring, site: string): Promise<string> {
  const body = Buffer.from('not a bag');
  const headers = signRequestHeaders(keys.signingKey(), site, {
    method: 'POST',
    path: '/api/transfers',
    bodySha256: createHash('sha256').update('another body').digest('hex'),
    idempotencyKey: `probe-${Math.random()}`,
    now: new Date(),
  });
  const res = await new ApiClient(url).request('POST', '/api/transfers', new Uint8Array(body), {
    ...headers,
    'content-type': 'application/zip',
  });
  return res.body.error?.code as string;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-demo-sites-'));
  const [gdPort, hnPort] = [await freePort(), await freePort()];
  child = spawn(
    process.execPath,
    ['server/bin/tongban.mjs', 'demo-sites', '--data', root, '--gd-port', String(gdPort), '--hn-port', String(hnPort), '--skip-build'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DEMO_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', SFU_WORKERS: '1', OCR_WORKERS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 110_000;
  while (!output.includes('Ctrl-C stops both sites')) {
    if (child.exitCode !== null) throw new Error(`demo-sites exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`demo-sites did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const site of SITES) urls[site] = new RegExp(`\\[${site}\\] 通办视审台 Tongban Desk: (\\S+)`).exec(output)![1]!;
  expect(urls.gd).toBe(`http://127.0.0.1:${gdPort}`);
  expect(urls.hn).toBe(`http://127.0.0.1:${hnPort}`);
});

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

describe('npx tongban demo-sites', () => {
  it('runs the intake and the handling site, each answering /api/health as itself, seeded with the same office registry', async () => {
    for (const site of SITES) {
      const health = await new ApiClient(urls[site]).get('/api/health');
      expect(health.body).toMatchObject({ site, db: 'ok' });
      const staff = new ApiClient(urls[site]);
      expect((await staff.post('/api/auth/login', { username: site === 'gd' ? 'clerk' : 'reviewer', password: PASSWORD })).status).toBe(
        200,
      );
      const offices = (await staff.get('/api/offices')).body.offices as Array<{ id: string; siteId: string }>;
      expect(Object.fromEntries(offices.map((o) => [o.id, o.siteId]))).toEqual({
        'gd-sg-window': 'gd',
        'gd-sz-window': 'gd',
        'hn-cs-office': 'hn',
        'sc-cd-office': 'sc',
      });
    }
    for (const site of SITES) expect(fs.existsSync(path.join(root, site, 'tongban.sqlite')), site).toBe(true);
  });

  it('prints both URLs and the demo logins in Chinese and English', () => {
    expect(output).toContain(`广东（收件站点） gd  Guangdong intake site: ${urls.gd}`);
    expect(output).toContain(`湖南（办理站点） hn  Hunan handling site: ${urls.hn}`);
    expect(output).toMatch(/演示账号.*Demo logins/);
    expect(output).toMatch(/gd: clerk（李窗口/);
    expect(output).toMatch(/hn: reviewer（王审核/);
    expect(output).toContain(PASSWORD);
  });

  it('has each site trust the other’s key: a request signed by one is accepted by the other, a stranger’s is not', async () => {
    const keys = (site: string) => new SiteKeyring(path.join(root, site, 'keys'), site, undefined);
    // Past the signature check, the body's digest is what fails: the signer was trusted.
    expect(await signedProbe(urls.hn, keys('gd'), 'gd')).toBe('TRANSFER_BODY_MISMATCH');
    expect(await signedProbe(urls.gd, keys('hn'), 'hn')).toBe('TRANSFER_BODY_MISMATCH');
    const stranger = new SiteKeyring(path.join(root, 'stranger'), 'gd', undefined);
    expect(await signedProbe(urls.hn, stranger, 'gd')).toBe('TRANSFER_KEY_UNTRUSTED');
    // The site keys each one serves are the ones the other holds in its trust file.
    for (const [site, peer] of [
      ['gd', 'hn'],
      ['hn', 'gd'],
    ] as const) {
      const line = (await new ApiClient(urls[site]).get('/api/handoff/site-key')).body.line as string;
      expect(
        keys(peer)
          .trustedKeys()
          .map((k) => `${k.fingerprint} ${k.publicKey} ${k.site}`),
      ).toEqual([line]);
    }
  });

  it('stops both sites on SIGTERM, and exits 0', async () => {
    const pids = sitePids();
    expect(pids).toHaveLength(2);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(alive(pid), `site process ${pid}`).toBe(false);
    for (const site of SITES) await expect(fetch(`${urls[site]}/api/health`)).rejects.toThrow();
  });
});
