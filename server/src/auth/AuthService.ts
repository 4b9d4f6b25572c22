import { createHash } from 'node:crypto';
import { AppError, type Role } from '@tongban/shared';
import type { Db } from '../storage/database';
import type { Clock, IdSource } from '../clock';
import type { AuditLedger, Actor } from '../audit/AuditLedger';
import { hashPassword, verifyPassword } from './passwords';
import { LoginRateLimiter } from './loginRateLimiter';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  officeId: string;
}

export function actorOf(u: SessionUser): Actor {
  return { id: u.id, name: u.username, role: u.role, officeId: u.officeId };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A live login session: who, until when, and a key naming it that is not the token itself. */
export interface LoginSession {
  user: SessionUser;
  expiresAt: string;
  key: string;
}

/** Accounts and login sessions. The cookie holds a random token; only its hash is stored. */
export class AuthService {
  readonly limiter = new LoginRateLimiter();
  private readonly endedListeners: Array<(sessionKey: string) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly ledger: AuditLedger,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly sessionTtlMs: number,
  ) {}

  async createUser(
    input: { username: string; displayName: string; role: Role; officeId: string; password: string },
    by: Actor,
  ): Promise<SessionUser> {
    const hash = await hashPassword(input.password);
    const id = this.ids.uuid();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO users (id, username, display_name, role, office_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, input.username, input.displayName, input.role, input.officeId, hash, this.clock.now().toISOString());
      this.ledger.append(by, 'user.created', {
        details: { userId: id, username: input.username, role: input.role, officeId: input.officeId },
      });
    })();
    return { id, username: input.username, displayName: input.displayName, role: input.role, officeId: input.officeId };
  }

  async setPassword(username: string, password: string, by: Actor): Promise<void> {
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      const r = this.db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(hash, username);
      if (r.changes !== 1) throw new AppError('NOT_FOUND', { details: { username } });
      this.ledger.append(by, 'user.password_set', { details: { username } });
    })();
  }

  async login(username: string, password: string, ip: string): Promise<{ token: string; user: SessionUser; expiresAt: string }> {
    const now = this.clock.now();
    const wait = this.limiter.retryAfterMs(ip, username, now.getTime());
    if (wait > 0) throw new AppError('AUTH_RATE_LIMITED', { details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
    const row = this.db.prepare('SELECT * FROM users WHERE username = ? AND disabled = 0').get(username) as UserRow | undefined;
    // Verify against a dummy hash when the user is unknown so timing does not reveal which usernames exist.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok) {
      this.limiter.fail(ip, username, now.getTime());
      this.ledger.record({ id: null, name: username.slice(0, 64), role: 'system', officeId: null }, 'auth.login_failed', {
        details: { ip },
      });
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    this.limiter.succeed(ip, username);
    const user = toUser(row);
    const token = this.ids.token(32);
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs).toISOString();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(sha256(token), user.id, now.toISOString(), expiresAt);
      this.ledger.append(actorOf(user), 'auth.login', { details: { ip } });
    })();
    return { token, user, expiresAt };
  }

  logout(token: string, user: SessionUser): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
      this.ledger.append(actorOf(user), 'auth.logout');
    })();
    for (const fn of this.endedListeners) fn(sha256(token));
  }

  /** Called with the session's key when a session is ended (logout), e.g. to close its sockets. */
  onSessionEnded(fn: (sessionKey: string) => void): void {
    this.endedListeners.push(fn);
  }

  /** The user behind a session token, or undefined when unknown or expired. */
  userForToken(token: string | undefined): SessionUser | undefined {
    return this.session(token)?.user;
  }

  /** The live session behind a token, or undefined when unknown, expired or its user disabled. */
  session(token: string | undefined): LoginSession | undefined {
    if (!token) return undefined;
    const key = sha256(token);
    const row = this.db
      .prepare(
        'SELECT u.*, s.expires_at AS session_expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0',
      )
      .get(key, this.clock.now().toISOString()) as (UserRow & { session_expires_at: string }) | undefined;
    return row ? { user: toUser(row), expiresAt: row.session_expires_at, key } : undefined;
  }

  userById(id: string): SessionUser | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  userByName(username: string): SessionUser | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  office_id: string;
  password_hash: string;
}

function toUser(r: UserRow): SessionUser {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role, officeId: r.office_id };
}

// A valid scrypt hash of a random string nobody knows.
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
