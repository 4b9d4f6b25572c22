import fs from 'node:fs';
import type { Page } from 'playwright-core';
import type { Env } from '@tongban/server/config/config';
import { ensureClientBuilt } from './appBrowser';
import type { ChromiumSession } from './chromium';
import { loginPage, newMediaPage } from './callBrowser';
import { sfuTestConfig } from './reviewFixtures';
import { startTestServer, type TestServer, type TestServerOptions } from './testServer';
import { startTwoSites } from './twoSites';

/**
 * The two deployments of startTwoSites, each serving the built client and running its own SFU on
 * loopback (each its own RTC port range), and one Chromium per person (own cookies; fake cameras):
 * for the cross-site co-review from the clerk's window at gd and the reviewer's desk at hn.
 */
export interface TwoSiteCall {
  gd: TestServer;
  hn: TestServer;
  newPage(): Promise<Page>;
  login(page: Page, site: TestServer, username: string): Promise<void>;
  /** Stops the intake site's server and starts it again on the same port and data (as after a crash or an update); `gd` is the new one. */
  restartGd(): Promise<TestServer>;
  close(): Promise<void>;
}

export async function startTwoSiteCall(opts: {
  rtcMinPorts: { gd: number; hn: number };
  gd?: Partial<Env>;
  hn?: Partial<Env>;
  server?: TestServerOptions;
}): Promise<TwoSiteCall> {
  await ensureClientBuilt();
  const gdEnv = { ...sfuTestConfig(opts.rtcMinPorts.gd), ...opts.gd };
  // Kept so gd can restart on its own data; removed at close.
  const server = { ...opts.server, keepData: true };
  const { gd, hn } = await startTwoSites({ gd: gdEnv, hn: { ...sfuTestConfig(opts.rtcMinPorts.hn), ...opts.hn }, server });
  const browsers: ChromiumSession[] = [];
  const sites: TwoSiteCall = {
    gd,
    hn,
    newPage: () => newMediaPage(browsers),
    login: (page, site, username) => loginPage(page, site.url, username),
    async restartGd() {
      const { url, dataDir } = sites.gd;
      await sites.gd.stop();
      sites.gd = await startTestServer(
        { ...gdEnv, SITE_ID: 'gd', PORT: Number(new URL(url).port), PEER_SITES: [{ id: 'hn', url: hn.url }] },
        { ...server, dataDir },
      );
      return sites.gd;
    },
    async close() {
      for (const b of browsers) await b.close();
      for (const site of [sites.gd, hn]) {
        await site.stop();
        fs.rmSync(site.dataDir, { recursive: true, force: true });
      }
    },
  };
  return sites;
}
