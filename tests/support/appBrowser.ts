import fs from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { launchChromium, type ChromiumSession, type LaunchChromiumOptions } from './chromium';
import type { Env } from '@tongban/server/config/config';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestServerOptions } from './testServer';

/**
 * The real app in a real browser: builds the client when its sources are newer than client/dist,
 * starts the real server (random port, temporary data, demo seed) and opens Chromium pages that
 * record console errors — a browser test fails on any it did not expect.
 */

const root = path.resolve(import.meta.dirname, '../..');
const clientDir = path.join(root, 'client');
const distIndex = path.join(clientDir, 'dist', 'index.html');

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

let building: Promise<void> | undefined;

/** Builds client/dist once per test process if it is missing or older than client/ or shared/src. */
export function ensureClientBuilt(): Promise<void> {
  building ??= (async () => {
    const sources = Math.max(newestMtime(clientDir), newestMtime(path.join(root, 'shared', 'src')));
    if (fs.existsSync(distIndex) && fs.statSync(distIndex).mtimeMs >= sources) return;
    const { build } = await import('vite');
    await build({ root: clientDir, logLevel: 'silent' });
  })();
  return building;
}

export interface AppPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far (expected ones filtered out). */
  errors: string[];
}

export interface AppBrowser {
  server: TestServer;
  url: string;
  /**
   * A page in a browser of its own (own profile: cookies, localStorage), so two users can be logged
   * in at once; `opts` for that browser only (extra switches such as a camera file, the viewport).
   */
  newPage(opts?: Pick<LaunchChromiumOptions, 'args' | 'viewport'>): Promise<AppPage>;
  /** Logs in through the login form and waits for the role's home page. */
  login(p: AppPage, username: string, password?: string): Promise<void>;
  close(): Promise<void>;
}

/** Chromium logs every 4xx/5xx fetch as a console error; a test that provokes one on purpose names it in `allowConsole`. */
function isExpected(msg: ConsoleMessage, allow: RegExp[]): boolean {
  const where = msg.location().url ?? '';
  return allow.some((re) => re.test(`${msg.text()} @ ${where}`));
}

/**
 * `server`: settings for the test server, e.g. `{ OCR_WORKERS: 1 }` for the real pre-check;
 * `ocr: 'printed-text'` for a pre-check that reads generated scans without tesseract; `clock`: the site's time.
 */
export async function startAppBrowser(
  opts: { allowConsole?: RegExp[]; server?: Partial<Env>; ocr?: TestServerOptions['ocr']; clock?: TestServerOptions['clock'] } = {},
): Promise<AppBrowser> {
  await ensureClientBuilt();
  const server = await startTestServer(opts.server, {
    ...(opts.ocr ? { ocr: opts.ocr } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const allow = opts.allowConsole ?? [];
  // launchChromium gives a persistent context (no browser handle for extra contexts): one browser per page.
  const browsers: ChromiumSession[] = [];

  return {
    server,
    url: server.url,
    async newPage(opts = {}) {
      const browser = await launchChromium(opts);
      browsers.push(browser);
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !isExpected(m, allow)) errors.push(`${m.text()} @ ${m.location().url}`);
      });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      return { page, errors };
    },
    async login({ page }, username, password = TEST_PASSWORD) {
      await page.goto(`${server.url}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await page.getByRole('button', { name: '退出登录' }).waitFor();
    },
    async close() {
      for (const b of browsers) await b.close();
      await server.stop();
    },
  };
}
