import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The load generator: virtual users with their own session cookie and keep-alive connection,
 * each sending one request at a time on a Poisson schedule (so the offered rate does not drop
 * when the server slows down, up to one request in flight per user). Latency is measured from the
 * moment the request is written; how late the client itself started requests is recorded apart,
 * so a saturated client shows instead of passing for a slow server.
 */

export interface Sample {
  endpoint: string;
  ms: number;
  status: number;
}

export interface Answer {
  status: number;
  body: Buffer;
  headers: http.IncomingHttpHeaders;
}

/** One keep-alive connection per user, as a browser tab holds one. */
export class HttpUser {
  cookie = '';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly base: URL) {}

  request(method: string, path: string, body?: { type: string; bytes: Buffer }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (this.cookie) headers.cookie = this.cookie;
      if (body) {
        headers['content-type'] = body.type;
        headers['content-length'] = body.bytes.length;
      }
      const req = http.request({ host: this.base.hostname, port: this.base.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const c of res.headers['set-cookie'] ?? []) {
            const pair = c.split(';')[0] ?? '';
            this.cookie = pair.endsWith('=') ? '' : pair;
          }
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body?.bytes);
    });
  }

  json(method: string, path: string, value?: unknown): Promise<Answer> {
    return this.request(
      method,
      path,
      value === undefined ? undefined : { type: 'application/json', bytes: Buffer.from(JSON.stringify(value)) },
    );
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What a virtual user asks for next: an endpoint label (the table row) and the request path. */
export type NextRequest = () => { endpoint: string; path: string };

export interface LoadResult {
  samples: Sample[];
  seconds: number;
  /** Requests started later than scheduled because the user's previous answer was still out. */
  lateStarts: number;
  /** The client's own event-loop delay, p99 ms: high means the load generator, not the server, was slow. */
  clientLoopDelayP99Ms: number;
  /** Client CPU (user + system) over the window, % of one core. */
  clientCpuPct: number;
}

/** Runs every user's script for `seconds` at `ratePerSecond` in total (0: back to back, no pause). */
export async function runLoad(
  users: Array<{ http: HttpUser; next: NextRequest }>,
  ratePerSecond: number,
  seconds: number,
): Promise<LoadResult> {
  const samples: Sample[] = [];
  let lateStarts = 0;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const meanGapMs = ratePerSecond > 0 ? (users.length / ratePerSecond) * 1000 : 0;
  const gap = () => -Math.log(1 - Math.random()) * meanGapMs;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  await Promise.all(
    users.map(async (u) => {
      let due = t0 + Math.random() * meanGapMs;
      for (;;) {
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        else if (meanGapMs > 0 && wait < -10) lateStarts++;
        if (performance.now() >= end) return;
        const { endpoint, path } = u.next();
        const start = performance.now();
        let status = 0;
        try {
          status = (await u.http.request('GET', path)).status;
        } catch {
          status = 0;
        }
        samples.push({ endpoint, ms: performance.now() - start, status });
        due = meanGapMs > 0 ? Math.max(due + gap(), performance.now() - meanGapMs) : performance.now();
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  return {
    samples,
    seconds: wall,
    lateStarts,
    clientLoopDelayP99Ms: loop.percentile(99) / 1e6,
    clientCpuPct: ((cpu.user + cpu.system) / 1e6 / wall) * 100,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface EndpointRow {
  endpoint: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: Sample[], order: string[]): EndpointRow[] {
  const by = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = by.get(s.endpoint);
    if (list) list.push(s);
    else by.set(s.endpoint, [s]);
  }
  const names = [...order.filter((n) => by.has(n)), ...[...by.keys()].filter((n) => !order.includes(n))];
  return names.map((endpoint) => {
    const list = by.get(endpoint)!;
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    return {
      endpoint,
      count: list.length,
      errors: list.filter((s) => s.status === 0 || s.status >= 400).length,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      p99: percentile(ms, 99),
      max: ms[ms.length - 1]!,
    };
  });
}
