import { createHash } from 'node:crypto';
import { AppError } from '@tongban/shared';
import type { Db } from '../storage/database';

/**
 * Applicant access without an account. The clerk's QR code carries a one-time link token (15 min,
 * single use); redeeming it gives the applicant's browser a key that only opens that session (and
 * lets it reconnect after a network loss). Only SHA-256 hashes are stored.
 */
export const LINK_TTL_MS = 15 * 60_000;
export const KEY_TTL_MS = 4 * 3600_000;

export type TokenKind = 'link' | 'key';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface TokenRow {
  kind: TokenKind;
  session_id: string;
  expires_at: string;
  used_at: string | null;
}

export class ApplicantTokens {
  constructor(private readonly db: Db) {}

  issue(token: string, kind: TokenKind, sessionId: string, now: Date, createdBy: string | null): string {
    const expiresAt = new Date(now.getTime() + (kind === 'link' ? LINK_TTL_MS : KEY_TTL_MS)).toISOString();
    this.db
      .prepare(
        'INSERT INTO review_applicant_tokens (token_hash, kind, session_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), kind, sessionId, createdBy, now.toISOString(), expiresAt);
    return expiresAt;
  }

  /** Marks a link token used and returns its session; throws REVIEW_TOKEN_INVALID / _EXPIRED / _USED. Call inside a transaction. */
  consumeLink(token: string, now: Date): string {
    const row = this.valid(token, 'link', now);
    if (row.used_at) throw new AppError('REVIEW_TOKEN_USED');
    const r = this.db
      .prepare('UPDATE review_applicant_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
      .run(now.toISOString(), hashToken(token));
    if (r.changes !== 1) throw new AppError('REVIEW_TOKEN_USED');
    return row.session_id;
  }

  /** The session a key opens; throws like consumeLink. */
  sessionForKey(key: string, now: Date): string {
    return this.valid(key, 'key', now).session_id;
  }

  private valid(token: string, kind: TokenKind, now: Date): TokenRow {
    const row = this.db
      .prepare('SELECT kind, session_id, expires_at, used_at FROM review_applicant_tokens WHERE token_hash = ?')
      .get(hashToken(token)) as TokenRow | undefined;
    if (!row || row.kind !== kind) throw new AppError('REVIEW_TOKEN_INVALID');
    if (row.expires_at <= now.toISOString()) throw new AppError('REVIEW_TOKEN_EXPIRED');
    return row;
  }
}
