import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '@tongban/shared';
import { canonicalJson } from '../audit/canonicalJson';
import { verifySignature, type SigningKey, type TrustedKey } from './siteKeys';

/**
 * Site-to-site requests and messages, signed with the site's Ed25519 key. A request signs
 * method, path, the body's SHA-256, a timestamp and the idempotency key, so a captured request
 * can neither be altered nor replayed outside the window; a repeat inside it is harmless because
 * the idempotency key makes it return the first answer.
 */

export const SITE_HEADERS = {
  site: 'x-tongban-site',
  key: 'x-tongban-key',
  timestamp: 'x-tongban-timestamp',
  bodySha256: 'x-tongban-body-sha256',
  signature: 'x-tongban-signature',
  idempotencyKey: 'idempotency-key',
} as const;

export const REPLAY_WINDOW_MS = 5 * 60_000;

export function signingString(method: string, path: string, bodySha256: string, timestamp: string, idempotencyKey: string): string {
  return ['tongban-site-request-v1', method.toUpperCase(), path, bodySha256, timestamp, idempotencyKey].join('\n');
}

export function signRequestHeaders(
  key: SigningKey,
  site: string,
  req: { method: string; path: string; bodySha256: string; idempotencyKey: string; now: Date },
): Record<string, string> {
  const timestamp = req.now.toISOString();
  return {
    [SITE_HEADERS.site]: site,
    [SITE_HEADERS.key]: key.fingerprint,
    [SITE_HEADERS.timestamp]: timestamp,
    [SITE_HEADERS.bodySha256]: req.bodySha256,
    [SITE_HEADERS.idempotencyKey]: req.idempotencyKey,
    [SITE_HEADERS.signature]: key.sign(signingString(req.method, req.path, req.bodySha256, timestamp, req.idempotencyKey)),
  };
}

export interface VerifiedRequest {
  site: string;
  key: TrustedKey;
  bodySha256: string;
  idempotencyKey: string;
}

/** Checks the signature headers (before the body is read); the caller then checks the body against `bodySha256`. */
export function verifyRequestHeaders(
  headers: IncomingHttpHeaders,
  method: string,
  path: string,
  trusted: TrustedKey[],
  now: Date,
): VerifiedRequest {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const site = h(SITE_HEADERS.site);
  const fingerprint = h(SITE_HEADERS.key);
  const timestamp = h(SITE_HEADERS.timestamp);
  const bodySha256 = h(SITE_HEADERS.bodySha256);
  const signature = h(SITE_HEADERS.signature);
  const idempotencyKey = h(SITE_HEADERS.idempotencyKey);
  if (!site || !fingerprint || !timestamp || !bodySha256 || !signature || !idempotencyKey) {
    throw new AppError('TRANSFER_UNSIGNED', { details: { required: Object.values(SITE_HEADERS) } });
  }
  if (!/^[0-9a-f]{64}$/.test(bodySha256) || idempotencyKey.length > 200)
    throw new AppError('TRANSFER_UNSIGNED', { details: { reason: 'malformed headers' } });
  const key = trusted.find((k) => k.fingerprint === fingerprint.toLowerCase());
  if (!key || key.site !== site) throw new AppError('TRANSFER_KEY_UNTRUSTED', { details: { site, fingerprint } });
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at) || Math.abs(now.getTime() - at) > REPLAY_WINDOW_MS) {
    throw new AppError('TRANSFER_EXPIRED', { details: { timestamp, now: now.toISOString(), windowSeconds: REPLAY_WINDOW_MS / 1000 } });
  }
  if (!verifySignature(key.publicKey, signingString(method, path, bodySha256, timestamp, idempotencyKey), signature)) {
    throw new AppError('TRANSFER_SIGNATURE_INVALID', { details: { site } });
  }
  return { site, key, bodySha256, idempotencyKey };
}

export interface SignedEnvelope<T> {
  payload: T;
  keyFingerprint: string;
  signature: string;
}

export function signEnvelope<T>(key: SigningKey, payload: T): SignedEnvelope<T> {
  return { payload, keyFingerprint: key.fingerprint, signature: key.sign(canonicalJson(payload)) };
}

/** True when the envelope is signed by a trusted key of `site`. */
export function verifyEnvelope(envelope: SignedEnvelope<unknown>, trusted: TrustedKey[], site: string): boolean {
  const key = trusted.find((k) => k.fingerprint === envelope.keyFingerprint && k.site === site);
  return Boolean(key && verifySignature(key.publicKey, canonicalJson(envelope.payload), envelope.signature));
}
