import type { Db } from '../storage/database';
import type { RetainedFiles } from './RetentionService';

/**
 * RetainedFiles over a table whose rows name a blob and carry `case_id` and `purged_at`: how a
 * feature registers its evidence without writing the same three queries again. `table`, `column`
 * and `where` are the feature's constants, never input.
 */
export function tableFiles(db: Db, table: string, column: string, where = '1 = 1'): RetainedFiles {
  const list = db.prepare(
    `SELECT id, ${column} AS sha256 FROM ${table} WHERE case_id = ? AND ${column} IS NOT NULL AND purged_at IS NULL AND ${where}`,
  );
  const holds = db.prepare(`SELECT 1 FROM ${table} WHERE ${column} = ? AND purged_at IS NULL LIMIT 1`);
  return {
    list: (caseId) => list.all(caseId) as Array<{ id: string; sha256: string }>,
    markPurged: (ids, at) => {
      const mark = db.prepare(`UPDATE ${table} SET purged_at = ? WHERE id = ?`);
      for (const id of ids) mark.run(at, id);
    },
    holds: (sha256) => holds.get(sha256) !== undefined,
  };
}
