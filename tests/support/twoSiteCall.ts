import type { Page } from 'playwright-core';
import type { Env } from '@tongban/server/config/config';
import { ensureClientBuilt } from './appBrowser';
import type { ChromiumSession } from './chromium';
import { loginPage, newMediaPage } from './callBrowser';
import { sfuTestConfig } from './reviewFixtures';
import type { TestServer, TestServerOptions } from './testServer';
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
  close(): Promise<void>;
}

export async function startTwoSiteCall(opts: {
  rtcMinPorts: { gd: number; hn: number };
  gd?: Partial<Env>;
  hn?: Partial<Env>;
  server?: TestServerOptions;
}): Promise<TwoSiteCall> {
  await ensureClientBuilt();
  const { gd, hn } = await startTwoSites({
    gd: { ...sfuTestConfig(opts.rtcMinPorts.gd), ...opts.gd },
    hn: { ...sfuTestConfig(opts.rtcMinPorts.hn), ...opts.hn },
    ...(opts.server ? { server: opts.server } : {}),
  });
  const browsers: ChromiumSession[] = [];
  return {
    gd,
    hn,
    newPage: () => newMediaPage(browsers),
    login: (page, site, username) => loginPage(page, site.url, username),
    async close() {
      for (const b of browsers) await b.close();
      await gd.stop();
      await hn.stop();
    },
  };
}
