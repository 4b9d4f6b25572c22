import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { AppError, type MaterialSpec, type MaterialView, type UploadMaterialResponse, type UploadSource } from '@tongban/shared';
import { ACCESS, caseSides } from '@tongban/shared/cases/access';
import { MAX_FILES_PER_CASE, MAX_FILES_PER_SLOT } from '@tongban/shared/precheck/limits';
import type { Db } from '../storage/database';
import type { BlobStore } from '../storage/BlobStore';
import type { Clock, IdSource } from '../clock';
import type { Logger } from '../logger';
import type { Actor, AuditLedger } from '../audit/AuditLedger';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CatalogService } from '../catalog/CatalogService';
import type { CaseRecord, CaseService } from '../cases/CaseService';
import { findCaseMaterial, listCaseMaterials, toMaterialView, type MaterialRow } from './materialRows';
import { MediaTypeGate } from './mediaType';
import { sanitizeFileName } from './fileName';

/** What a listener (the OCR pre-check) learns when a new scan has been stored and committed. */
export interface MaterialUploadedEvent {
  caseId: string;
  caseNo: string;
  material: MaterialView;
  /** The slot's spec: kind, pre-check rules, required fields. */
  slot: MaterialSpec;
  actor: Actor;
}
export type MaterialUploadedListener = (e: MaterialUploadedEvent) => void | Promise<void>;

export interface MaterialServiceDeps {
  db: Db;
  ledger: AuditLedger;
  clock: Clock;
  ids: IdSource;
  blobs: BlobStore;
  catalog: CatalogService;
  cases: CaseService;
  log: Logger;
  maxBytes: number;
}

/**
 * Received scans (申请材料). Bytes go to the content-addressed blob store first (temp file,
 * fsync, rename); only then are the metadata row, the blobs row and the audit event committed in
 * one transaction — a crash mid-upload leaves at most a temp file, swept at the next start.
 */
export class MaterialService {
  private readonly listeners = new Set<MaterialUploadedListener>();
  private readonly slotGuards: Array<(c: CaseRecord, slotCode: string) => void> = [];

  constructor(private readonly deps: MaterialServiceDeps) {}

  /**
   * Calls `listener` after each NEW scan is committed (not for deduplicated re-uploads).
   * Listener errors are logged, never fail the upload. Returns an unsubscribe function.
   */
  /** Another module's rule on which slots may take a scan now (the 补正 notice lists the ones to correct); it throws to refuse. */
  guardSlots(guard: (c: CaseRecord, slotCode: string) => void): void {
    this.slotGuards.push(guard);
  }

  onUploaded(listener: MaterialUploadedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores one scan in a slot of the case. 201/200-deduplicated; 403, 409, 400, 413, 415 otherwise.
   * `source` says how it was captured (a camera shot gets cropped to the page by the pre-check).
   */
  async upload(
    caseId: string,
    slotCode: string,
    user: SessionUser,
    file: { stream: Readable; fileName: string; source?: UploadSource },
    /** A current scan of this slot that the upload replaces (it stays in the case's history). */
    replaces?: string,
  ): Promise<UploadMaterialResponse> {
    const { db, ledger, clock, ids, blobs, cases, maxBytes } = this.deps;
    let slot: MaterialSpec;
    try {
      const c = this.editableCase(caseId, user, 'materials.upload');
      slot = this.slotOf(c, slotCode);
      for (const guard of this.slotGuards) guard(c, slot.code);
      if (replaces) this.replaceable(c.id, slot.code, replaces);
      // Refused before any byte is stored; checked again below, as other uploads may land meanwhile.
      this.assertRoomFor(c.id, slot.code);
    } catch (e) {
      file.stream.resume();
      throw e;
    }
    const gate = new MediaTypeGate();
    // pipeline: an aborted request fails the gate, so put() rejects and removes its temp file.
    pipeline(file.stream, gate, () => undefined);
    const { mediaType, ...stored } = await blobs.store(gate, { maxBytes, mediaType: () => gate.mediaType! });
    const fileName = sanitizeFileName(file.fileName, mediaType);
    const actor = actorOf(user);

    const outcome = db.transaction(() => {
      // Re-check: the case may have moved on while the bytes were streaming.
      const c = this.editableCase(caseId, user, 'materials.upload');
      const existing = db
        .prepare('SELECT * FROM case_materials WHERE case_id = ? AND slot_code = ? AND sha256 = ?')
        .get(c.id, slot.code, stored.sha256) as MaterialRow | undefined;
      const replaced = replaces ? this.replaceable(c.id, slot.code, replaces) : undefined;
      // Bytes this slot has or had: a replacement must differ, and a replaced scan does not come back as a duplicate.
      if (existing && (replaced || existing.replaced_by))
        throw new AppError('MATERIAL_REPLACE_UNCHANGED', { details: { materialId: existing.id, sha256: stored.sha256 } });
      if (existing) return { c, material: toMaterialView(existing), deduplicated: true };
      this.assertRoomFor(c.id, slot.code);
      const at = clock.now().toISOString();
      const row: MaterialRow = {
        id: ids.uuid(),
        case_id: c.id,
        slot_code: slot.code,
        file_name: fileName,
        sha256: stored.sha256,
        media_type: mediaType,
        size: stored.size,
        source: file.source ?? 'upload',
        uploaded_by: user.id,
        uploaded_at: at,
        replaced_by: null,
        replaced_at: null,
      };
      db.prepare(
        `INSERT INTO case_materials (id, case_id, slot_code, file_name, sha256, media_type, size, source, uploaded_by, uploaded_at)
         VALUES (@id, @case_id, @slot_code, @file_name, @sha256, @media_type, @size, @source, @uploaded_by, @uploaded_at)`,
      ).run(row);
      cases.touch(c.id);
      ledger.append(actor, 'material.uploaded', {
        caseId: c.id,
        details: {
          materialId: row.id,
          slotCode: slot.code,
          fileName,
          sha256: stored.sha256,
          size: stored.size,
          mediaType,
          source: row.source,
        },
      });
      if (replaced) {
        db.prepare('UPDATE case_materials SET replaced_by = ?, replaced_at = ? WHERE id = ?').run(row.id, at, replaced.id);
        ledger.append(actor, 'material.replaced', {
          caseId: c.id,
          details: {
            materialId: replaced.id,
            replacedBy: row.id,
            slotCode: slot.code,
            fileName: replaced.file_name,
            sha256: replaced.sha256,
          },
        });
      }
      cases.changes.changed(c.id, 'materials', actor);
      return { c, material: toMaterialView(row), deduplicated: false };
    })();

    if (!outcome.deduplicated)
      this.emitUploaded({ caseId: outcome.c.id, caseNo: outcome.c.caseNo, material: outcome.material, slot, actor });
    return { material: outcome.material, deduplicated: outcome.deduplicated };
  }

  list(caseId: string): MaterialView[] {
    return listCaseMaterials(this.deps.db, caseId);
  }

  /** The current scan `materialId` of this slot, which an upload may replace. */
  private replaceable(caseId: string, slotCode: string, materialId: string): MaterialRow {
    const row = this.deps.db.prepare('SELECT * FROM case_materials WHERE id = ? AND case_id = ?').get(materialId, caseId) as
      MaterialRow | undefined;
    if (!row) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId, materialId } });
    if (row.replaced_by) throw new AppError('MATERIAL_ALREADY_REPLACED', { details: { materialId, replacedBy: row.replaced_by } });
    if (row.slot_code !== slotCode) throw new AppError('MATERIAL_REPLACE_OTHER_SLOT', { details: { materialId, slotCode: row.slot_code } });
    return row;
  }

  /** No access check: for services (pre-check, handoff) that already hold the case. */
  get(caseId: string, materialId: string): MaterialView {
    const material = findCaseMaterial(this.deps.db, caseId, materialId);
    if (!material) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId, materialId } });
    return material;
  }

  /**
   * The bytes of a scan for someone allowed to see the case. A view from the handling side
   * (the back-office reviewer, or that office's supervisor) is audited as `material.viewed`.
   */
  openContent(caseId: string, materialId: string, user: SessionUser): { material: MaterialView; stream: Readable } {
    const c = this.deps.cases.getForFiles(caseId, user);
    const material = this.get(c.id, materialId);
    if (caseSides(user, c).includes('handling')) {
      this.deps.ledger.record(actorOf(user), 'material.viewed', {
        caseId: c.id,
        details: { materialId, slotCode: material.slotCode, sha256: material.sha256 },
      });
    }
    return { material, stream: this.deps.blobs.open(material.sha256) };
  }

  /** Removes a scan from a draft case (the blob stays: content-addressed, maybe shared, and named in the audit trail). */
  delete(caseId: string, materialId: string, user: SessionUser): void {
    const { db, ledger, cases } = this.deps;
    db.transaction(() => {
      const c = this.editableCase(caseId, user, 'materials.delete');
      const material = this.get(c.id, materialId);
      if (material.replacedBy)
        throw new AppError('MATERIAL_ALREADY_REPLACED', { details: { materialId, replacedBy: material.replacedBy } });
      db.prepare('DELETE FROM case_materials WHERE id = ?').run(material.id);
      cases.touch(c.id);
      const actor = actorOf(user);
      ledger.append(actor, 'material.deleted', {
        caseId: c.id,
        details: { materialId, slotCode: material.slotCode, fileName: material.fileName, sha256: material.sha256 },
      });
      cases.changes.changed(c.id, 'materials', actor);
    })();
  }

  private editableCase(caseId: string, user: SessionUser, action: 'materials.upload' | 'materials.delete'): CaseRecord {
    return this.deps.cases.getForWork(caseId, user, {
      action,
      refusal: { zh: '只有收件窗口可以上传或删除申请材料', en: 'Only the intake window can add or remove materials' },
      wrongState: (c) =>
        new AppError('CASE_MATERIALS_LOCKED', { details: { caseId, state: c.state, allowedStates: ACCESS[action].states } }),
    });
  }

  /** Each file is one OCR job: a slot or a case that is full refuses more (shared/precheck/limits.ts). */
  private assertRoomFor(caseId: string, slotCode: string): void {
    const { inSlot, inCase } = this.deps.db
      .prepare('SELECT COUNT(*) AS inCase, COALESCE(SUM(slot_code = ?), 0) AS inSlot FROM case_materials WHERE case_id = ?')
      .get(slotCode, caseId) as { inSlot: number; inCase: number };
    if (inSlot >= MAX_FILES_PER_SLOT)
      throw new AppError('MATERIAL_SLOT_FULL', {
        details: { caseId, slotCode, files: inSlot, maxFiles: MAX_FILES_PER_SLOT },
        zh: `该项材料已有 ${inSlot} 个文件，达到上限 ${MAX_FILES_PER_SLOT} 个，请删除多余或重复的文件后再上传；多页材料请合并为一个 PDF`,
        en: `This material already has ${inSlot} files, the most allowed (${MAX_FILES_PER_SLOT}); delete extra or duplicate files first, or combine the pages into one PDF`,
      });
    if (inCase >= MAX_FILES_PER_CASE)
      throw new AppError('CASE_MATERIALS_FULL', {
        details: { caseId, files: inCase, maxFiles: MAX_FILES_PER_CASE },
        zh: `本办件已有 ${inCase} 个材料文件，达到上限 ${MAX_FILES_PER_CASE} 个，请删除多余或重复的文件后再上传；多页材料请合并为一个 PDF`,
        en: `This case already has ${inCase} material files, the most allowed (${MAX_FILES_PER_CASE}); delete extra or duplicate files first, or combine the pages into one PDF`,
      });
  }

  private slotOf(c: CaseRecord, slotCode: string): MaterialSpec {
    const slot = this.deps.catalog.itemForCase(c).materials.find((m) => m.code === slotCode);
    if (!slot) throw new AppError('MATERIAL_SLOT_UNKNOWN', { details: { itemCode: c.itemCode, slotCode } });
    return slot;
  }

  private emitUploaded(e: MaterialUploadedEvent): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(e))
        .catch((err: unknown) =>
          this.deps.log.error({ err, caseId: e.caseId, materialId: e.material.id }, 'material-uploaded listener failed'),
        );
    }
  }
}
