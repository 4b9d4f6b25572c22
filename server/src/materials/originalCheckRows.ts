import type { OriginalCheckMethod, OriginalCheckView } from '@tongban/shared/cases/originalCheck';
import type { Db } from '../storage/database';

/**
 * The original_checks table (migration 020): the 已核验原件 mark in force on a scan, read with the
 * scan wherever materials are listed (case page, call, join grant, bag), so none of them can show
 * a scan without its mark.
 */

/** The mark's columns as a material query selects them (null: no mark in force). */
export interface OriginalCheckColumns {
  check_method: OriginalCheckMethod | null;
  check_note: string | null;
  check_by_name: string | null;
  check_at: string | null;
}

/** `FROM case_materials m` joined with the scan's mark in force. */
export const MATERIALS_WITH_CHECKS = `SELECT m.*, o.method AS check_method, o.note AS check_note, o.checked_by_name AS check_by_name,
  o.checked_at AS check_at FROM case_materials m LEFT JOIN original_checks o ON o.material_id = m.id AND o.withdrawn_at IS NULL`;

export function originalCheckOf(r: Partial<OriginalCheckColumns>): OriginalCheckView | undefined {
  if (!r.check_method || !r.check_by_name || !r.check_at) return undefined;
  return { method: r.check_method, ...(r.check_note ? { note: r.check_note } : {}), checkedByName: r.check_by_name, checkedAt: r.check_at };
}

/**
 * Records a mark inside the caller's transaction: the window's check (`checkedBy` its account), or
 * one a received bag carries (`checkedBy` null: the clerk's account is at the sending site).
 */
export function insertOriginalCheck(
  db: Db,
  row: { id: string; caseId: string; materialId: string; checkedBy: string | null; check: OriginalCheckView },
): void {
  db.prepare(
    `INSERT INTO original_checks (id, case_id, material_id, method, note, checked_by, checked_by_name, checked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.caseId,
    row.materialId,
    row.check.method,
    row.check.note ?? null,
    row.checkedBy,
    row.check.checkedByName,
    row.check.checkedAt,
  );
}
