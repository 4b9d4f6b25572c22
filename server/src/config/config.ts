import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '@tongban/shared';

/** The one place that reads the environment. Everything else receives a Config. */
// Booleans come as text from the environment, as booleans from overrides (tests, CLI).
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const PeerSiteSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{2,32}$/, 'peer site id: as SITE_ID'),
  url: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
});
export type PeerSite = z.infer<typeof PeerSiteSchema>;

/** `id=url` pairs separated by commas, or a JSON array of {id, url}. */
export function parsePeerSites(raw: string): PeerSite[] {
  const text = raw.trim();
  if (!text) return [];
  const list: unknown = text.startsWith('[')
    ? JSON.parse(text)
    : text.split(',').map((pair) => {
        const i = pair.indexOf('=');
        return { id: pair.slice(0, i).trim(), url: pair.slice(i + 1).trim() };
      });
  const peers = z.array(PeerSiteSchema).safeParse(list);
  if (!peers.success) throw new Error('PEER_SITES: expected "id=http(s)://host:port,…" or a JSON array of {id, url}');
  return peers.data;
}

/**
 * TRUST_PROXY: the reverse proxies whose X-Forwarded-* headers are believed (Express `trust proxy`),
 * as addresses, CIDR ranges or `loopback` / `linklocal` / `uniquelocal`. Off by default, so a client
 * cannot choose its own address for the login rate limit.
 */
export function parseTrustProxy(raw: string): false | string[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0 || (list.length === 1 && (list[0] === 'false' || list[0] === 'off'))) return false;
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  for (const entry of list) {
    const [ip = '', bits, ...rest] = entry.split('/');
    const cidrOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv6(ip) ? 128 : 32));
    if (!named.includes(entry) && !(net.isIP(ip) && cidrOk && rest.length === 0))
      throw new Error(`TRUST_PROXY: "${entry}" is not an address, a CIDR range or loopback/linklocal/uniquelocal`);
  }
  return list;
}

/** ALLOWED_ORIGINS: other origins (scheme://host:port) whose browser pages may call this site, comma-separated. */
export function parseOrigins(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const u = URL.canParse(s) ? new URL(s) : undefined;
      if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new Error(`ALLOWED_ORIGINS: "${s}" is not an http(s) origin`);
      return u.origin;
    });
}

/** A comma-list variable parsed by `fn`, its error message shown as a config issue (overrides may pass the parsed form). */
const listOf = <T>(fn: (raw: string) => T) =>
  z
    .union([z.string(), z.array(z.string()), z.literal(false)])
    .default('')
    .transform((v, ctx) => {
      try {
        return fn(v === false ? '' : typeof v === 'string' ? v : v.join(','));
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: int(0, 65535).default(8080),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: listOf(parseTrustProxy),
    ALLOWED_ORIGINS: listOf(parseOrigins),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEMO_PASSWORD: z.string().min(8, 'DEMO_PASSWORD must have at least 8 characters').optional(),
    SEED_DEMO: bool.default(true),
    SITE_ID: z
      .string()
      .regex(/^[a-z0-9-]{2,32}$/, 'SITE_ID: 2–32 lowercase letters, digits or dashes')
      .default('gd'),
    SESSION_TTL_HOURS: int(1, 24 * 30).default(12),
    UPLOAD_MAX_BYTES: int(1024, 1024 ** 3).default(20 * 1024 * 1024),
    SFU_WORKERS: int(1, 64).default(os.availableParallelism()),
    RTC_MIN_PORT: int(1024, 65535).default(40000),
    RTC_MAX_PORT: int(1024, 65535).default(40999),
    RTC_LISTEN_IP: z.string().min(1).default('0.0.0.0'),
    RTC_ANNOUNCED_ADDRESS: z.string().min(1).optional(),
    /**
     * Per-account caps on /rtc so one user cannot take the SFU's ports from everyone else. The
     * applicant's cap counts all keys of one review session. Transports per account are also held
     * to a tenth of the RTC port range (each transport takes a UDP and a TCP port of it).
     */
    RTC_MAX_SOCKETS_PER_USER: int(1, 64).default(4),
    RTC_MAX_SOCKETS_PER_APPLICANT: int(1, 16).default(2),
    RTC_MAX_TRANSPORTS_PER_PEER: int(2, 16).default(4),
    RTC_MAX_TRANSPORTS_PER_USER: int(2, 1000).default(8),
    RTC_MAX_SELF_TESTS_PER_USER: int(1, 16).default(2),
    TLS_CERT: z.string().min(1).optional(),
    TLS_KEY: z.string().min(1).optional(),
    TLS_SELF_SIGNED: bool.default(false),
    OCR_WORKERS: int(0, 32).default(os.availableParallelism()),
    OCR_DATA_DIR: z.string().min(1).optional(),
    OCR_JOB_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
    /** Largest decoded scan in pixels (decompression-bomb guard) and most pages per PDF for the pre-check. */
    OCR_MAX_PIXELS: int(1_000_000, 1_000_000_000).default(100_000_000),
    OCR_MAX_PDF_PAGES: int(1, 1000).default(50),
    /** Peer sites for handoff transfers: `hn=https://hn.example:8443,sc=https://…` or a JSON array of {id,url}. */
    PEER_SITES: z
      .union([z.array(PeerSiteSchema), z.string()])
      .default('')
      .transform((v, ctx) => {
        if (typeof v !== 'string') return v;
        try {
          return parsePeerSites(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
          return z.NEVER;
        }
      }),
    /** `fingerprint base64-public-key site` lines of trusted peer keys; defaults to DATA_DIR/keys/trusted-peers.txt. */
    PEER_KEYS_FILE: z.string().min(1).optional(),
    HANDOFF_MAX_BYTES: int(1024 * 1024, 64 * 1024 ** 3).default(4 * 1024 ** 3),
    /** A co-review request no reviewer has taken after this long is timed out (and withdrawn at the peer site it went to). */
    REVIEW_REQUEST_TIMEOUT_MINUTES: int(1, 24 * 60).default(30),
    /** Backoff of site-to-site messages to a peer that is unreachable: first retry after, and longest wait between retries. */
    PEER_RETRY_INITIAL_MS: int(10, 60_000).default(1000),
    PEER_RETRY_MAX_MS: int(100, 3_600_000).default(30_000),
    /** Record co-review calls whose applicant consented (FFmpeg from Debian's `ffmpeg` on PATH). */
    RECORDING_ENABLED: bool.default(true),
    /** The FFmpeg program recordings run (probed at start; recording is offered only if it runs). */
    FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
    /** Hard cap on one recording file; FFmpeg finalises it and stops at this length. */
    RECORDING_MAX_SECONDS: int(10, 24 * 3600).default(3600),
    /** Local UDP ports FFmpeg receives recorded RTP on (two per track), apart from the RTC range. */
    RECORDING_MIN_PORT: int(1024, 65535).default(41000),
    RECORDING_MAX_PORT: int(1024, 65535).default(41999),
    /**
     * 保存期限: recordings, snapshots, signatures and the bags carrying them are deleted this many
     * days after the case closes (5 years by default, as video-identification rules elsewhere ask),
     * unless the case is on legal hold. The job looks for due cases every RETENTION_SWEEP_MINUTES.
     */
    RETENTION_DAYS: int(1, 365 * 100).default(1826),
    RETENTION_SWEEP_MINUTES: int(1, 7 * 24 * 60).default(60),
    /** 好差评 periods (国办发〔2019〕51号): default 满意 after N days unrated; call-back and rectification of a bad rating in working days. */
    /** Who takes a co-review request: the first reviewer to accept, or one assigned at random when it is made. */
    REVIEW_ASSIGNMENT: z.enum(['first_come', 'random']).default('first_come'),
    /** 抽查复核: percent of decided co-reviews drawn at random for a supervisor's second opinion (every 不予受理 is drawn). */
    REVIEW_SAMPLE_PERCENT: int(0, 100).default(10),
    /**
     * 环节时限: the responsible office's users are reminded this many office hours (9:00–17:00 on
     * working days) before a step's due day ends; the check runs every STEP_SWEEP_MINUTES.
     */
    STEP_REMIND_HOURS: int(0, 80).default(4),
    STEP_SWEEP_MINUTES: int(1, 24 * 60).default(10),
    RATING_DEFAULT_DAYS: int(1, 365).default(7),
    RATING_CALLBACK_WORKDAYS: int(1, 30).default(1),
    RATING_RECTIFY_WORKDAYS: int(1, 90).default(15),
  })
  .refine((c) => c.RECORDING_MIN_PORT < c.RECORDING_MAX_PORT, {
    message: 'RECORDING_MIN_PORT must be < RECORDING_MAX_PORT',
    path: ['RECORDING_MIN_PORT'],
  })
  .refine((c) => c.PEER_RETRY_INITIAL_MS <= c.PEER_RETRY_MAX_MS, {
    message: 'PEER_RETRY_INITIAL_MS must be ≤ PEER_RETRY_MAX_MS',
    path: ['PEER_RETRY_INITIAL_MS'],
  })
  .refine((c) => c.RTC_MIN_PORT <= c.RTC_MAX_PORT, { message: 'RTC_MIN_PORT must be ≤ RTC_MAX_PORT', path: ['RTC_MIN_PORT'] })
  .refine((c) => Boolean(c.TLS_CERT) === Boolean(c.TLS_KEY), {
    message: 'TLS_CERT and TLS_KEY must be set together',
    path: ['TLS_CERT'],
  });

export type Env = z.infer<typeof ConfigSchema>;

export interface Config extends Env {
  dataDir: string;
  ocrDataDir: string;
  repoRoot: string;
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Env> = {}): Config {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse({ ...clean, ...overrides });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new AppError('CONFIG_INVALID', {
      details: problems,
      zh: `配置有误：${problems.join('；')}`,
      en: `Invalid configuration: ${problems.join('; ')}`,
    });
  }
  const c = parsed.data;
  return {
    ...c,
    dataDir: path.resolve(c.DATA_DIR),
    ocrDataDir: path.resolve(c.OCR_DATA_DIR ?? path.join(REPO_ROOT, '.ocr-data')),
    repoRoot: REPO_ROOT,
  };
}
