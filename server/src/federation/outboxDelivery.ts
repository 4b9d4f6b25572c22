import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorSpec, isAppError } from '@tongban/shared';
import { nextRetryDelay, type RetryPolicy } from '@tongban/shared/review/crossSite';
import type { Clock } from '../clock';
import type { PeerSites } from '../handoff/peers';
import type { Logger } from '../logger';
import type { DeliveryError, OutboxMessage, SiteOutbox } from './siteOutbox';

/** How long one attempt may take before the peer counts as unreachable. */
export const PEER_ATTEMPT_TIMEOUT_MS = 15_000;

export const OUTBOX_CONTENT_TYPE = 'application/vnd.tongban.coreview+json';

/**
 * What a failed attempt means: the peer unreachable, or answering 5xx (or 408/429: try later),
 * is tried again; any other refusal is final and keeps the peer's own code and message.
 */
export function deliveryOutcome(e: unknown): { retry: boolean; error: DeliveryError } {
  if (!isAppError(e)) return { retry: true, error: { code: 'INTERNAL', message_zh: errorSpec('INTERNAL').zh, message_en: String(e) } };
  if (e.code !== 'PEER_SITE_REFUSED') {
    return { retry: e.code === 'PEER_SITE_UNREACHABLE', error: { code: e.code, message_zh: e.message_zh, message_en: e.message_en } };
  }
  const { status, peerError } = e.details as { status: number; peerError: unknown };
  const peer = typeof peerError === 'object' && peerError !== null ? (peerError as Partial<DeliveryError>) : {};
  return {
    retry: status >= 500 || status === 408 || status === 429,
    error: {
      code: typeof peer.code === 'string' ? peer.code.slice(0, 64) : `HTTP_${status}`,
      message_zh: typeof peer.message_zh === 'string' ? peer.message_zh.slice(0, 500) : e.message_zh,
      message_en: typeof peer.message_en === 'string' ? peer.message_en.slice(0, 500) : e.message_en,
    },
  };
}

export interface DeliveryDeps {
  outbox: SiteOutbox;
  peers: Pick<PeerSites, 'byId' | 'post'>;
  clock: Clock;
  log: Logger;
  retry: RetryPolicy;
  /** [0, 1), for the backoff's jitter. */
  random: () => number;
  /** Told after every attempt, whatever its outcome. */
  onAttempt(m: OutboxMessage): void;
}

/** Tries every due message once, oldest first; returns when the next one is due. */
export async function deliverDue(deps: DeliveryDeps, signal: AbortSignal): Promise<Date | undefined> {
  for (const m of deps.outbox.due()) {
    if (signal.aborted) break;
    await attempt(deps, m, signal);
  }
  return deps.outbox.nextDueAt();
}

/** One attempt of one message: delivered, or retrying or refused as the outcome says. */
export async function attempt(deps: DeliveryDeps, m: OutboxMessage, signal: AbortSignal): Promise<void> {
  const body = Buffer.from(m.body, 'utf8');
  try {
    await deps.peers.post(
      deps.peers.byId(m.peerSite),
      m.path,
      { sha256: createHash('sha256').update(body).digest('hex'), contentType: OUTBOX_CONTENT_TYPE, open: () => Readable.from([body]) },
      m.idempotencyKey,
      AbortSignal.any([signal, AbortSignal.timeout(PEER_ATTEMPT_TIMEOUT_MS)]),
    );
    deps.outbox.delivered(m);
    deps.log.info({ messageId: m.id, kind: m.kind, peerSite: m.peerSite, attempts: m.attempts + 1 }, 'site message delivered');
  } catch (e) {
    // Shutting down: this attempt does not count; the next start sends it again (the peer deduplicates).
    if (signal.aborted) return;
    const { retry, error } = deliveryOutcome(e);
    if (retry) {
      const nextAt = new Date(deps.clock.now().getTime() + nextRetryDelay(m.attempts + 1, deps.random, deps.retry));
      deps.outbox.retrying(m, error, nextAt);
    } else deps.outbox.failed(m, error);
    deps.log.warn({ messageId: m.id, kind: m.kind, peerSite: m.peerSite, code: error.code, retry }, 'site message not delivered');
  }
  deps.onAttempt(m);
}
