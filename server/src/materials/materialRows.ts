import type { MaterialView } from '@tongban/shared';
import type { Db } from '../storage/database';
import { MATERIALS_WITH_CHECKS, originalCheckOf, type OriginalCheckColumns } from './originalCheckRows';

/** The case_materials table: one row per received scan, pointing at a content-addressed blob. */
export interface MaterialRow {
  id: string;
  case_id: string;
  slot_code: string;
  file_name: string;
  sha256: string;
  media_type: MaterialView['mediaType'];
  size: number;
  source: MaterialView['source'];
  uploaded_by: string;
  uploaded_at: string;
  /** The scan that replaced this one (null while it is current). */
  replaced_by: string | null;
  replaced_at: string | null;
}

/** A row as the API shows it; with the mark's columns (MATERIALS_WITH_CHECKS), its 已核验原件 mark. */
export function toMaterialView(r: MaterialRow & Partial<OriginalCheckColumns>): MaterialView {
  const check = originalCheckOf(r);
  return {
    id: r.id,
    caseId: r.case_id,
    slotCode: r.slot_code,
    fileName: r.file_name,
    sha256: r.sha256,
    mediaType: r.media_type,
    size: r.size,
    source: r.source,
    uploadedAt: r.uploaded_at,
    ...(r.replaced_by ? { replacedBy: r.replaced_by, replacedAt: r.replaced_at! } : {}),
    ...(check ? { originalCheck: check } : {}),
  };
}

/** One scan of the case, with its mark; undefined if the case has no such scan. */
export function findCaseMaterial(db: Db, caseId: string, materialId: string): MaterialView | undefined {
  const row = db.prepare(`${MATERIALS_WITH_CHECKS} WHERE m.id = ? AND m.case_id = ?`).get(materialId, caseId) as
    (MaterialRow & OriginalCheckColumns) | undefined;
  return row ? toMaterialView(row) : undefined;
}

/** The case's current materials: what the pre-check reads, the reviewer sees and the bag carries. */
export function listCaseMaterials(db: Db, caseId: string): MaterialView[] {
  return (
    db.prepare(`${MATERIALS_WITH_CHECKS} WHERE m.case_id = ? AND m.replaced_by IS NULL ORDER BY m.uploaded_at, m.id`).all(caseId) as Array<
      MaterialRow & OriginalCheckColumns
    >
  ).map(toMaterialView);
}

/** Scans replaced by better ones, newest replacement first: the case's history, never sent on as current. */
export function listReplacedMaterials(db: Db, caseId: string): MaterialView[] {
  return (
    db
      .prepare(`${MATERIALS_WITH_CHECKS} WHERE m.case_id = ? AND m.replaced_by IS NOT NULL ORDER BY m.replaced_at DESC, m.id`)
      .all(caseId) as Array<MaterialRow & OriginalCheckColumns>
  ).map(toMaterialView);
}
