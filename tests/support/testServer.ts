import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import type { Clock } from '@tongban/server/clock';
import { loadConfig, type Env } from '@tongban/server/config/config';
import { createLogger } from '@tongban/server/logger';
import { createContext, type AppContext } from '@tongban/server/context';
import { listen, type RunningApp } from '@tongban/server/app';
import { seedDemo } from '@tongban/server/seed/demoSeed';
import { PrintedTextRecogniser } from './printedTextRecogniser';

export const TEST_PASSWORD = 'test-password-123';

/** `clock`: the site's time (two sites' clocks apart, a grant's expiry); `logTo`: where its log lines go (with LOG_LEVEL). */
export interface TestServerOptions {
  keepData?: boolean;
  dataDir?: string;
  ocr?: 'tesseract' | 'printed-text';
  clock?: Clock;
  logTo?: DestinationStream;
}

export interface TestServer {
  ctx: AppContext;
  app: RunningApp;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The real server, in-process, on a random port with a temporary data directory and demo seed.
 * `ocr: 'printed-text'`: the pre-check reads generated scans by what they print instead of by
 * tesseract (see printedTextRecogniser) — for tests that need a pre-checked case but are not about OCR.
 */
export async function startTestServer(overrides: Partial<Env> = {}, opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tongban-test-'));
  const config = loadConfig(
    {},
    { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: 0, DATA_DIR: dataDir, LOG_LEVEL: 'silent', OCR_WORKERS: 0, ...overrides },
  );
  const ctx = createContext(config, createLogger(config.LOG_LEVEL, opts.logTo), {
    ...(opts.ocr === 'printed-text' ? { ocr: new PrintedTextRecogniser() } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  ctx.recoverInterrupted(); // as server/src/main.ts does at start
  await seedDemo(ctx, TEST_PASSWORD);
  const app = await listen(ctx);
  return {
    ctx,
    app,
    url: app.url,
    dataDir,
    stop: async () => {
      await app.close();
      await ctx.close();
      if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie-keeping HTTP client over fetch, for driving the API as a browser would. */
export class ApiClient {
  private cookie = '';
  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const init: RequestInit = { method, headers: { ...headers, ...(this.cookie ? { cookie: this.cookie } : {}) } };
    if (body instanceof Uint8Array || body instanceof FormData || typeof body === 'string') init.body = body as BodyInit;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + p, init);
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (pair) this.cookie = pair.endsWith('=') ? '' : pair;
    }
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('application/json') ? await res.json() : await res.arrayBuffer();
    return { status: res.status, body: parsed, headers: res.headers };
  }
  get(p: string) {
    return this.request('GET', p);
  }
  post(p: string, body?: unknown) {
    return this.request('POST', p, body);
  }
  put(p: string, body?: unknown) {
    return this.request('PUT', p, body);
  }
  get cookieHeader(): string {
    return this.cookie;
  }

  static async login(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<ApiClient> {
    const c = new ApiClient(baseUrl);
    const r = await c.post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return c;
  }
}
