import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/**
 * The embedded SQLite database. Repositories take a `Db` and keep their SQL to themselves, so a
 * PostgreSQL implementation can replace them behind the same interfaces. `transaction` is how a
 * state change and its audit event commit together.
 */
export type Db = BetterSqlite3.Database;

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

/**
 * `readonly`: for commands that only read (`audit verify`) next to a live server — the file must
 * exist, nothing is migrated, and SQLite refuses any write on this connection.
 */
export function openDatabase(file: string, opts: { readonly?: boolean } = {}): Db {
  if (opts.readonly) {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return cachePreparedStatements(db);
  }
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = cachePreparedStatements(new BetterSqlite3(file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Distinct SQL texts kept prepared; past this the cache starts over (dynamic IN-lists make new texts). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Makes `db.prepare(sql)` return the statement already prepared for the same text: repositories
 * call it per request, and compiling the SQL again each time was a visible share of every read
 * under load. A cached statement comes back in its default row mode (`pluck`/`raw`/`expand` off),
 * so one caller's `.pluck()` never leaks into another's. One still being iterated is not handed
 * out again: that caller gets a fresh statement. Callers must not `bind()` or `safeIntegers()` a
 * statement from `prepare` (nothing does): those would stick to the shared one.
 */
function cachePreparedStatements(db: Db): Db {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, BetterSqlite3.Statement>();
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit && !hit.busy) return hit.reader ? hit.pluck(false).raw(false).expand(false) : hit;
    const stmt = prepare(sql);
    if (!hit) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  }) as Db['prepare'];
  return db;
}

/** Applies `migrations/NNN_name.sql` in order, once each. Each feature module owns its own file. */
export function migrate(db: Db): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const done = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[]);
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const f of files) {
    if (done.has(f)) continue;
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(f, new Date().toISOString());
    })();
    applied.push(f);
  }
  return applied;
}

export function checkDatabase(db: Db): 'ok' | string {
  try {
    const r = db.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
    return r?.ok === 1 ? 'ok' : 'unexpected answer';
  } catch (e) {
    return (e as Error).message;
  }
}
