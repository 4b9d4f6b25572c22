import type { MaterialView } from '@tongban/shared';
import type { Db } from '../storage/database';

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

export function toMaterialView(r: MaterialRow): MaterialView {
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
  };
}

/** The case's current materials: what the pre-check reads, the reviewer sees and the bag carries. */
export function listCaseMaterials(db: Db, caseId: string): MaterialView[] {
  return (
    db
      .prepare('SELECT * FROM case_materials WHERE case_id = ? AND replaced_by IS NULL ORDER BY uploaded_at, id')
      .all(caseId) as MaterialRow[]
  ).map(toMaterialView);
}

/** Scans replaced by better ones, newest replacement first: the case's history, never sent on as current. */
export function listReplacedMaterials(db: Db, caseId: string): MaterialView[] {
  return (
    db
      .prepare('SELECT * FROM case_materials WHERE case_id = ? AND replaced_by IS NOT NULL ORDER BY replaced_at DESC, id')
      .all(caseId) as MaterialRow[]
  ).map(toMaterialView);
}
