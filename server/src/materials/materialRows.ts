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
  };
}

export function listCaseMaterials(db: Db, caseId: string): MaterialView[] {
  return (db.prepare('SELECT * FROM case_materials WHERE case_id = ? ORDER BY uploaded_at, id').all(caseId) as MaterialRow[]).map(
    toMaterialView,
  );
}
