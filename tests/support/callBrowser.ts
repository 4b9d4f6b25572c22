import type { Page } from 'playwright-core';
import type { Env } from '@tongban/server/config/config';
import { ensureClientBuilt } from './appBrowser';
import { launchChromium, type ChromiumSession } from './chromium';
import { startTestServer, TEST_PASSWORD, type TestServer } from './testServer';
import { sfuTestConfig } from './reviewFixtures';

/**
 * The real app with its SFU on loopback (a known RTC port range, so a test can cut one page off
 * with iptables), and one Chromium per participant (own cookies; fake cameras).
 */
export interface CallBrowser {
  server: TestServer;
  url: string;
  rtcPorts: { min: number; max: number };
  newPage(opts?: { args?: string[] }): Promise<Page>;
  login(page: Page, username: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Three fake cameras: fake_device_1 is a 16-bit depth (Y16) camera that WebRTC cannot encode (its
 * sender gets no frames), so the document camera in tests is fake_device_2 (MJPEG). They capture
 * at 20 fps unless told: a page given this flag again with `fps` uses the later one.
 */
export const fakeCameras = (fps?: number) => `--use-fake-device-for-media-stream=device-count=3${fps ? `,fps=${fps}` : ''}`;

export const MEDIA_ARGS = [
  fakeCameras(),
  // Pages of one test run side by side: keep timers and rendering running in the background.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Logs `username` in through the login page of the site at `baseUrl`. */
export async function loginPage(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** A Chromium page with fake cameras; `browsers` collects the browser for closing. */
export async function newMediaPage(browsers: ChromiumSession[], args: string[] = []): Promise<Page> {
  const browser = await launchChromium({ args: [...MEDIA_ARGS, ...args] });
  browsers.push(browser);
  return browser.context.pages()[0] ?? (await browser.context.newPage());
}

export async function startCallBrowser(opts: { rtcMinPort: number; env?: Partial<Env> }): Promise<CallBrowser> {
  await ensureClientBuilt();
  const env = { ...sfuTestConfig(opts.rtcMinPort), ...opts.env };
  const server = await startTestServer(env);
  const browsers: ChromiumSession[] = [];
  return {
    server,
    url: server.url,
    rtcPorts: { min: Number(env.RTC_MIN_PORT), max: Number(env.RTC_MAX_PORT) },
    newPage: (o = {}) => newMediaPage(browsers, o.args),
    login: (page, username) => loginPage(page, server.url, username),
    async close() {
      for (const b of browsers) await b.close();
      await server.stop();
    },
  };
}
