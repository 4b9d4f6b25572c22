import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium package. We never download a browser (no internet) and never skip. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  // Fake camera (a moving test pattern) and microphone (a beep), granted without a prompt.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Keep the browser from talking to Google services on an offline machine.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchChromiumOptions {
  headless?: boolean;
  /** Extra command-line switches, appended to CHROMIUM_ARGS. */
  args?: string[];
  /** Defaults to 1280×800. */
  viewport?: { width: number; height: number };
}

export interface ChromiumSession {
  context: BrowserContext;
  userDataDir: string;
  /** Close the browser and delete its temporary profile. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Launch Debian's Chromium with a fresh temporary profile (so runs never share
 * cookies, permissions or caches). Throws with the install command when the
 * browser is missing: an e2e suite that silently skips proves nothing.
 */
export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<ChromiumSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install Debian's package: ` + `sudo apt-get install -y chromium`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'tongban-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: opts.headless ?? true,
      args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
      viewport: opts.viewport ?? { width: 1280, height: 800 },
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }

  let closed = false;
  return {
    context,
    userDataDir,
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
