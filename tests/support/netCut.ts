import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

/**
 * Cutting ONE browser off the network while the others keep theirs (root only). The browser runs
 * as user `nobody`, so iptables can drop what it sends (owner match); what the server sends to its
 * ICE ports and its socket.io connection is dropped by port. Every rule carries a comment with a
 * per-cut tag, and `restore()` deletes exactly those rules (call it in `finally`).
 */
export const CUT_UID = 65534;

export async function launchChromiumAsNobody(args: string[]): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-cut-'));
  chmodSync(dir, 0o777);
  const profile = join(dir, 'profile');
  mkdirSync(profile, { mode: 0o777 });
  chmodSync(profile, 0o777);
  const wrapper = join(dir, 'chromium-as-nobody.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec setpriv --reuid=${CUT_UID} --regid=${CUT_UID} --clear-groups env HOME=${dir} ${CHROMIUM_PATH} "$@"\n`,
    { mode: 0o755 },
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: wrapper,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface NetCut {
  restore(): void;
}

const iptables = (args: string[]) => execFileSync('iptables', ['-w', ...args], { stdio: 'pipe' });

/** Drops the cut browser's traffic to the SFU ports and the server port, and the server's traffic back to it. */
export function cutOff(opts: {
  rtcPorts: { min: number; max: number };
  serverPort: number;
  browserPorts: { udp: number[]; tcp: number[] };
}): NetCut {
  const tag = `tongban-cut-${process.pid}-${Date.now()}`;
  const range = `${opts.rtcPorts.min}:${opts.rtcPorts.max}`;
  const rules: string[][] = [
    ['-p', 'udp', '-m', 'owner', '--uid-owner', String(CUT_UID), '--dport', range],
    ['-p', 'tcp', '-m', 'owner', '--uid-owner', String(CUT_UID), '--dport', range],
    ['-p', 'tcp', '-m', 'owner', '--uid-owner', String(CUT_UID), '--dport', String(opts.serverPort)],
    ...opts.browserPorts.udp.map((p) => ['-p', 'udp', '--sport', range, '--dport', String(p)]),
    ...opts.browserPorts.tcp.map((p) => ['-p', 'tcp', '--sport', String(opts.serverPort), '--dport', String(p)]),
  ].map((r) => [...r, '-m', 'comment', '--comment', tag, '-j', 'DROP']);
  const added: string[][] = [];
  const restore = () => {
    for (const r of added.splice(0).reverse()) {
      try {
        iptables(['-D', 'OUTPUT', ...r]);
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const r of rules) {
      iptables(['-I', 'OUTPUT', ...r]);
      added.push(r);
    }
  } catch (e) {
    restore();
    throw e;
  }
  return { restore };
}
