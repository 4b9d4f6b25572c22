import { Readable } from 'node:stream';
import { AppError, errorSpec, isAppError, type MaterialSpec, type MaterialView } from '@tongban/shared';
import type { OfficeUser } from '@tongban/shared/cases/access';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import { applyCorrections, evaluateMaterial, findingKey } from '@tongban/shared/precheck/rules';
import { meanConfidence } from '@tongban/shared/precheck/layout';
import { verdictOf, type ExtractedField, type IdPhotoRegion, type MaterialSlotRules, type PageOcr } from '@tongban/shared/precheck/types';
import {
  PRECHECK_EVENTS,
  type CasePrecheckResponse,
  type CorrectionRequest,
  type CorrectionView,
  type MaterialPrecheckView,
  type OverrideRequest,
  type OverrideView,
  type PrecheckDoneEvent,
  type PrecheckProgressEvent,
} from '@tongban/shared/precheck/api';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseService, CaseWorkRule } from '../cases/CaseService';
import { maskDetails } from '../cases/maskDetails';
import type { CatalogService } from '../catalog/CatalogService';
import type { MaterialService, MaterialUploadedEvent } from '../materials/MaterialService';
import type { SiteServices } from '../feature';
import type { MaterialRecogniser, PrecheckStage } from './recognizeMaterial';
import { renderForDisplay, type PreprocessLimits } from './preprocess';
import { MAX_CONCURRENT_DECODES } from './limits';
import { PrecheckJobQueue, type JobRow } from './jobQueue';
import { Semaphore } from './semaphore';

/**
 * 智能预审: a persistent job queue (SQLite) feeding the OCR pool, results per material, the
 * clerk's corrections and overrides (audit events), and the gate for the `precheck` transition.
 * Findings are recomputed from stored OCR on every read, so a correction or override takes effect
 * at once and the rules stay the single source of truth.
 */

/** Running, correcting and overriding the pre-check: the intake window, while materials may change. */
const PRECHECK_EDIT: CaseWorkRule = {
  action: 'precheck.edit',
  refusal: { zh: '只有收件窗口可以修改预审结果', en: 'Only the intake window can change the pre-check' },
  wrongState: (c) => new AppError('CASE_ILLEGAL_TRANSITION', { details: { caseId: c.id, state: c.state } }),
};

interface StoredPage extends PageOcr {
  /** Blob of the normalised page image the boxes refer to. */
  imageSha256: string;
  /** Blob of the ID photo (`photo.box`) cut in colour from the original; absent for a grayscale original and in results stored before colour crops. */
  colourPhotoSha256?: string;
}
interface StoredResult {
  pages: StoredPage[];
  fields: ExtractedField[];
}

export interface PrecheckDeps extends SiteServices {
  cases: CaseService;
  catalog: CatalogService;
  materials: MaterialService;
  /** Reads the materials: the tesseract pool in the server (size 0: OCR_WORKERS=0, the pre-check is off). */
  ocr: MaterialRecogniser;
  /** Page and PDF bounds (OCR_MAX_PIXELS, OCR_MAX_PDF_PAGES; see limitsFromConfig). */
  limits: PreprocessLimits;
}
export type PrecheckNotifier = (rooms: string[], event: string, payload: unknown) => void;

export class PrecheckService {
  private readonly queue: PrecheckJobQueue;
  /** Pages being decoded and normalised at once, across all jobs: each can take a few hundred MB. */
  private readonly decodes: Semaphore;
  private notify: PrecheckNotifier = () => undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: PrecheckDeps) {
    this.queue = new PrecheckJobQueue(deps.db, deps.clock);
    this.decodes = new Semaphore(Math.max(1, Math.min(deps.ocr.size, MAX_CONCURRENT_DECODES)));
    deps.materials.onUploaded((e) => this.onUploaded(e));
    // The one gate of draft → prechecked, whichever endpoint or module fires it.
    deps.cases.guardTransition('precheck', (c) => this.assertReady(c.id));
  }

  /** Jobs the previous process was running go back to the queue (or fail after their last try). */
  recoverInterrupted(): void {
    this.queue.requeueInterrupted();
  }

  /** Warms the workers and starts draining the queue (called once at server start). */
  async start(): Promise<void> {
    if (this.deps.ocr.size === 0) return;
    await this.deps.ocr.start();
    this.pump();
  }

  /**
   * Stops taking jobs, ends the workers and waits for the jobs they were running to settle. An
   * interrupted job stays `running` in the database and is queued again at the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.deps.ocr.close();
    await Promise.allSettled([...this.inFlight]);
  }

  setNotifier(fn: PrecheckNotifier): void {
    this.notify = fn;
  }

  // ── Queue ────────────────────────────────────────────────────────────────────────────────

  private onUploaded(e: MaterialUploadedEvent): void {
    this.enqueue(e.caseId, e.material, e.slot, e.actor.id);
  }

  private enqueue(caseId: string, material: MaterialView, slot: MaterialSpec, requestedBy: string | null): string {
    const id = this.deps.ids.uuid();
    const rules: MaterialSlotRules = {
      kind: slot.kind,
      rules: slot.precheckRules,
      ...(slot.requiredFields ? { requiredFields: slot.requiredFields } : {}),
    };
    this.queue.add({
      id,
      case_id: caseId,
      material_id: material.id,
      sha256: material.sha256,
      slot_json: JSON.stringify(rules),
      camera: material.source === 'camera' ? 1 : 0,
      requested_by: requestedBy,
    });
    this.emitProgress({ id, case_id: caseId, material_id: material.id, requested_by: requestedBy }, 'queued', 0);
    this.pump();
    return id;
  }

  /** POST /api/cases/:id/precheck: (re)runs the pre-check of one material or of all of them. */
  run(caseId: string, user: SessionUser, materialId?: string): { jobs: Array<{ jobId: string; materialId: string }> } {
    const c = this.deps.cases.getForWork(caseId, user, PRECHECK_EDIT);
    if (this.deps.ocr.size === 0) throw new AppError('PRECHECK_OCR_DISABLED');
    const item = this.deps.catalog.itemForCase(c);
    const materials = this.deps.materials.list(c.id).filter((m) => !materialId || m.id === materialId);
    if (materialId && materials.length === 0) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId, materialId } });
    const jobs = materials.flatMap((m) => {
      const slot = item.materials.find((s) => s.code === m.slotCode);
      return slot ? [{ jobId: this.enqueue(c.id, m, slot, user.id), materialId: m.id }] : [];
    });
    // The other office's page shows the material as being read again (progress goes to the intake office only).
    if (jobs.length > 0) this.deps.cases.changes.changed(c.id, 'precheck', actorOf(user));
    return { jobs };
  }

  private pump(): void {
    if (this.closed || this.deps.ocr.size === 0) return;
    while (this.inFlight.size < this.deps.ocr.size) {
      const job = this.queue.take();
      if (!job) return;
      const run = this.runJob(job).finally(() => {
        this.inFlight.delete(run);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private async runJob(job: JobRow): Promise<void> {
    const { db, blobs, clock, log, cases, ocr, limits } = this.deps;
    try {
      const bytes = await readAll(blobs.open(job.sha256));
      const slot = JSON.parse(job.slot_json) as MaterialSlotRules;
      const images: string[] = [];
      const colourPhotos: string[] = [];
      const r = await ocr.recognize(bytes, slot, {
        limits,
        decodes: this.decodes,
        camera: job.camera === 1,
        onProgress: (stage, f) => this.emitProgress(job, stage, stageProgress(stage, f)),
        onPageImage: async (index, png) => {
          images[index] = (await blobs.put(Readable.from([png]))).sha256;
        },
        onIdPhotoImage: async (index, png) => {
          colourPhotos[index] = (await blobs.put(Readable.from([png]))).sha256;
        },
        onIdPhotoColourFailed: (index, err) =>
          log.warn({ err, jobId: job.id, page: index + 1 }, 'ID photo not cut in colour; the gray crop is served'),
      });
      const pages = r.pages.map((p) => ({
        ...p,
        imageSha256: images[p.index]!,
        ...(colourPhotos[p.index] ? { colourPhotoSha256: colourPhotos[p.index] } : {}),
      }));
      const result: StoredResult = { pages, fields: r.fields };
      db.transaction(() => {
        const at = clock.now().toISOString();
        db.prepare(
          `INSERT INTO precheck_results (material_id, case_id, job_id, result_json, created_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (material_id) DO UPDATE SET job_id = excluded.job_id, result_json = excluded.result_json, created_at = excluded.created_at`,
        ).run(job.material_id, job.case_id, job.id, JSON.stringify(result), at);
        db.prepare(`UPDATE precheck_jobs SET status = 'done', finished_at = ? WHERE id = ?`).run(at, job.id);
        // The OCR's doing, not the requester's: the result is news on their page too.
        cases.changes.changed(job.case_id, 'precheck', null);
      })();
      const view = this.materialViews(job.case_id).find((m) => m.materialId === job.material_id);
      this.emitDone(job, { status: 'done', ...(view?.verdict ? { verdict: view.verdict } : {}) });
    } catch (e) {
      if (this.closed) return; // shutting down: leave the job to be re-queued at the next start
      const err = isAppError(e) ? e : new AppError('PRECHECK_OCR_FAILED', { details: { reason: String(e) } });
      if (!isAppError(e)) log.error({ err: e, jobId: job.id }, 'pre-check job failed');
      db.transaction(() => {
        db.prepare(`UPDATE precheck_jobs SET status = 'failed', error_code = ?, error_message = ?, finished_at = ? WHERE id = ?`).run(
          err.code,
          JSON.stringify({ zh: err.message_zh, en: err.message_en }),
          clock.now().toISOString(),
          job.id,
        );
        cases.changes.changed(job.case_id, 'precheck', null);
      })();
      this.emitDone(job, { status: 'failed', error: { code: err.code, message_zh: err.message_zh, message_en: err.message_en } });
    }
  }

  private rooms(job: Pick<JobRow, 'case_id' | 'requested_by'>): string[] {
    const c = this.deps.cases.get(job.case_id);
    return [`office:${c?.intakeOfficeId ?? ''}`, ...(job.requested_by ? [`user:${job.requested_by}`] : [])];
  }

  private emitProgress(
    job: Pick<JobRow, 'id' | 'case_id' | 'material_id' | 'requested_by'>,
    stage: PrecheckProgressEvent['stage'],
    progress: number,
  ): void {
    const e: PrecheckProgressEvent = {
      jobId: job.id,
      caseId: job.case_id,
      materialId: job.material_id,
      stage,
      progress: Math.round(progress * 100) / 100,
    };
    this.notify(this.rooms(job), PRECHECK_EVENTS.progress, e);
  }

  private emitDone(job: JobRow, r: Omit<PrecheckDoneEvent, 'jobId' | 'caseId' | 'materialId'>): void {
    const e: PrecheckDoneEvent = { jobId: job.id, caseId: job.case_id, materialId: job.material_id, ...r };
    this.notify(this.rooms(job), PRECHECK_EVENTS.done, e);
  }

  // ── Reads ────────────────────────────────────────────────────────────────────────────────

  /** GET /api/cases/:id/precheck: any participant of the case (the reviewer sees what the clerk sees). */
  forUser(caseId: string, user: OfficeUser): CasePrecheckResponse {
    const c = this.deps.cases.getForUser(caseId, user);
    return this.summary(c);
  }

  private summary(c: CaseRecord): CasePrecheckResponse {
    const item = this.deps.catalog.itemForCase(c);
    const materials = this.materialViews(c.id, c);
    const present = new Set(materials.map((m) => m.slotCode));
    const missingSlots = item.materials.filter((s) => s.required && !present.has(s.code)).map((s) => ({ code: s.code, name: s.name }));
    const blocking = materials.reduce((n, m) => n + m.findings.filter((f) => f.severity === 'block' && !f.override).length, 0);
    const pending = materials.filter((m) => m.status === 'queued' || m.status === 'running').length;
    const unchecked = materials.filter((m) => m.verdict === undefined && m.status !== 'failed').length;
    const failed = materials.filter((m) => m.status === 'failed' && m.verdict === undefined).length;
    return {
      caseId: c.id,
      materials,
      missingSlots,
      blocking,
      pending,
      ready: missingSlots.length === 0 && blocking === 0 && pending === 0 && unchecked === 0 && failed === 0,
    };
  }

  private materialViews(caseId: string, c: CaseRecord | undefined = this.deps.cases.get(caseId)): MaterialPrecheckView[] {
    const { db } = this.deps;
    if (!c) return [];
    const item = this.deps.catalog.itemForCase(c);
    const materials = this.deps.materials.list(caseId);
    const results = new Map(
      (
        db.prepare('SELECT material_id, job_id, result_json FROM precheck_results WHERE case_id = ?').all(caseId) as Array<{
          material_id: string;
          job_id: string;
          result_json: string;
        }>
      ).map((r) => [r.material_id, { jobId: r.job_id, result: JSON.parse(r.result_json) as StoredResult }]),
    );
    const corrections = this.corrections(caseId);
    const overrides = this.overrides(caseId);
    const expectations = {
      applicantName: c.applicant.name,
      applicantIdNumber: c.applicant.idNumber,
      ...(c.company ? { companyName: c.company.name, uscc: c.company.uscc } : {}),
    };
    const intakeDate = chinaDate(new Date(c.createdAt));
    return materials.map((m) => {
      const job = db.prepare('SELECT * FROM precheck_jobs WHERE material_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(m.id) as
        JobRow | undefined;
      const stored = results.get(m.id);
      const mine = corrections.filter((x) => x.materialId === m.id);
      const myOverrides = overrides.filter((x) => x.materialId === m.id);
      const base: MaterialPrecheckView = {
        materialId: m.id,
        slotCode: m.slotCode,
        fileName: m.fileName,
        status: job?.status ?? 'none',
        ...(job ? { jobId: job.id } : {}),
        ...(job?.status === 'failed' && job.error_code ? { error: jobError(job) } : {}),
        pages: [],
        fields: [],
        findings: [],
        corrections: mine.map(({ materialId: _, ...v }) => v),
        overrides: myOverrides.map(({ materialId: _, ...v }) => v),
      };
      const spec = item.materials.find((s) => s.code === m.slotCode);
      if (!stored || !spec) return base;
      const slot: MaterialSlotRules = {
        kind: spec.kind,
        rules: spec.precheckRules,
        ...(spec.requiredFields ? { requiredFields: spec.requiredFields } : {}),
      };
      const fields = applyCorrections(stored.result.fields, mine);
      const otherPages = [...results.entries()]
        .filter(([id]) => id !== m.id && materials.some((x) => x.id === id))
        .flatMap(([id, r]) => r.result.pages.map((p) => ({ materialId: id, page: p.index, hash: p.hash })));
      const findings = evaluateMaterial({ slot, pages: stored.result.pages, fields, expectations, intakeDate, otherPages }).map((f) => {
        const key = findingKey(f);
        const override = [...myOverrides].reverse().find((o) => o.findingKey === key || o.findingKey === f.code);
        return {
          ...f,
          key,
          ...(override
            ? {
                override: {
                  id: override.id,
                  findingKey: override.findingKey,
                  reason: override.reason,
                  actorId: override.actorId,
                  at: override.at,
                },
              }
            : {}),
        };
      });
      const ocrByKey = new Map(stored.result.fields.map((f) => [f.key, f.value]));
      return {
        ...base,
        verdict: verdictOf(findings.filter((f) => !f.override)),
        pages: stored.result.pages.map((p) => ({
          index: p.index,
          width: p.width,
          height: p.height,
          ...(p.dpi ? { dpi: p.dpi } : {}),
          rotationDeg: p.rotationDeg,
          meanConfidence: Math.round(meanConfidence(p.lines)),
          imageUrl: `/api/cases/${encodeURIComponent(caseId)}/materials/${encodeURIComponent(m.id)}/pages/${p.index + 1}.png`,
          lines: p.lines,
        })),
        fields: fields.map((f) => {
          const corrected = mine.some((x) => x.fieldKey === f.key);
          const ocrValue = ocrByKey.get(f.key);
          return { ...f, corrected, ...(corrected && ocrValue !== undefined ? { ocrValue } : {}) };
        }),
        findings,
      };
    });
  }

  private corrections(caseId: string): Array<CorrectionView & { materialId: string }> {
    return this.deps.db
      .prepare(
        `SELECT id, material_id AS materialId, field_key AS fieldKey, value, reason, actor_id AS actorId, created_at AS at
         FROM precheck_corrections WHERE case_id = ? ORDER BY created_at, rowid`,
      )
      .all(caseId) as Array<CorrectionView & { materialId: string }>;
  }

  private overrides(caseId: string): Array<OverrideView & { materialId: string }> {
    return this.deps.db
      .prepare(
        `SELECT id, material_id AS materialId, finding_key AS findingKey, reason, actor_id AS actorId, created_at AS at
         FROM precheck_overrides WHERE case_id = ? ORDER BY created_at, rowid`,
      )
      .all(caseId) as Array<OverrideView & { materialId: string }>;
  }

  /**
   * The ID card front among the case's current materials (the latest pre-checked, if several):
   * its photo region (`null` when none was found), the page image the region refers to and the photo in colour, if cut.
   */
  idCardFront(
    caseId: string,
  ): { materialId: string; pageIndex: number; photo: IdPhotoRegion | null; imageSha256: string; colourPhotoSha256?: string } | undefined {
    const current = new Set(this.deps.materials.list(caseId).map((m) => m.id));
    const rows = this.deps.db
      .prepare('SELECT material_id, result_json FROM precheck_results WHERE case_id = ? ORDER BY created_at DESC, rowid DESC')
      .all(caseId) as Array<{ material_id: string; result_json: string }>;
    for (const row of rows.filter((r) => current.has(r.material_id))) {
      // `photo` is present (a region or null) exactly on the pages read as an ID card front.
      const page = (JSON.parse(row.result_json) as StoredResult).pages.find((p) => p.photo !== undefined);
      if (page) {
        const { index, photo, imageSha256, colourPhotoSha256 } = page;
        return {
          materialId: row.material_id,
          pageIndex: index,
          photo: photo ?? null,
          imageSha256,
          ...(colourPhotoSha256 ? { colourPhotoSha256 } : {}),
        };
      }
    }
    return undefined;
  }

  /** The normalised page image (what the boxes refer to), or the original page before OCR finished. */
  async pageImage(caseId: string, materialId: string, pageNumber: number, user: OfficeUser): Promise<Buffer> {
    const c = this.deps.cases.getForFiles(caseId, user);
    return this.shownPage(c.id, materialId, pageNumber);
  }

  /**
   * The page as the shared viewer shows it (see pageImage), with no user check: for a sheet the
   * server renders itself (the correction notice's crop of a marked page).
   */
  async shownPage(caseId: string, materialId: string, pageNumber: number): Promise<Buffer> {
    const material = this.deps.materials.get(caseId, materialId);
    const row = this.storedResult(caseId, materialId);
    const page = row?.pages[pageNumber - 1];
    if (page) return readAll(this.deps.blobs.open(page.imageSha256));
    if (row) throw new AppError('PRECHECK_PAGE_NOT_FOUND', { details: { page: pageNumber } });
    const original = await readAll(this.deps.blobs.open(material.sha256));
    return this.decodes.run(() => renderForDisplay(original, pageNumber - 1, this.deps.limits));
  }

  /** How many pages the pre-check read of a material (undefined before it has read it). */
  pageCount(caseId: string, materialId: string): number | undefined {
    return this.storedResult(caseId, materialId)?.pages.length;
  }

  private storedResult(caseId: string, materialId: string): StoredResult | undefined {
    const row = this.deps.db
      .prepare('SELECT result_json FROM precheck_results WHERE material_id = ? AND case_id = ?')
      .get(materialId, caseId) as { result_json: string } | undefined;
    return row ? (JSON.parse(row.result_json) as StoredResult) : undefined;
  }

  // ── Clerk's edits ────────────────────────────────────────────────────────────────────────

  correct(caseId: string, user: SessionUser, req: CorrectionRequest): CasePrecheckResponse {
    const { db, ids, clock, ledger, cases } = this.deps;
    return db.transaction(() => {
      const { c, view } = this.editableMaterial(caseId, user, req.materialId);
      if (view.verdict === undefined) throw new AppError('PRECHECK_RESULT_NOT_FOUND', { details: { materialId: req.materialId } });
      const item = this.deps.catalog.itemForCase(c);
      const spec = item.materials.find((s) => s.code === view.slotCode);
      const knownKeys = new Set([
        ...view.fields.map((f) => f.key),
        ...view.findings.flatMap((f) => (f.fieldKey ? [f.fieldKey] : [])),
        ...(spec?.requiredFields ?? []).map((l) => `label:${l}`),
      ]);
      if (!knownKeys.has(req.fieldKey))
        throw new AppError('PRECHECK_FIELD_UNKNOWN', { details: { fieldKey: req.fieldKey, known: [...knownKeys] } });
      const before = view.fields.find((f) => f.key === req.fieldKey)?.value;
      db.prepare(
        `INSERT INTO precheck_corrections (id, case_id, material_id, field_key, value, reason, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(ids.uuid(), c.id, req.materialId, req.fieldKey, req.value, req.reason, user.id, clock.now().toISOString());
      const actor = actorOf(user);
      ledger.append(actor, 'precheck.field_corrected', {
        caseId: c.id,
        details: maskDetails({
          materialId: req.materialId,
          fieldKey: req.fieldKey,
          from: before ?? null,
          to: req.value,
          reason: req.reason,
        }),
      });
      cases.changes.changed(c.id, 'precheck', actor);
      return this.summary(c);
    })();
  }

  override(caseId: string, user: SessionUser, req: OverrideRequest): CasePrecheckResponse {
    const { db, ids, clock, ledger, cases } = this.deps;
    return db.transaction(() => {
      const { c, view } = this.editableMaterial(caseId, user, req.materialId);
      const targets = view.findings.filter((f) => f.key === req.findingCode || f.code === req.findingCode);
      if (targets.length === 0)
        throw new AppError('PRECHECK_FINDING_NOT_FOUND', {
          details: { findingCode: req.findingCode, findings: view.findings.map((f) => f.key) },
        });
      db.prepare(
        `INSERT INTO precheck_overrides (id, case_id, material_id, finding_key, reason, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(ids.uuid(), c.id, req.materialId, req.findingCode, req.reason, user.id, clock.now().toISOString());
      const actor = actorOf(user);
      ledger.append(actor, 'precheck.finding_overridden', {
        caseId: c.id,
        details: {
          materialId: req.materialId,
          findingCode: req.findingCode,
          severities: targets.map((f) => f.severity),
          reason: req.reason,
        },
      });
      cases.changes.changed(c.id, 'precheck', actor);
      return this.summary(c);
    })();
  }

  // ── Gate and export ──────────────────────────────────────────────────────────────────────

  /** Throws unless every required slot has a checked material and no block finding is left unresolved. */
  assertReady(caseId: string): void {
    const c = this.deps.cases.get(caseId);
    if (!c) throw new AppError('CASE_NOT_FOUND', { details: { caseId } });
    const s = this.summary(c);
    if (s.pending > 0) throw new AppError('PRECHECK_PENDING', { details: { pending: s.pending } });
    if (!s.ready) {
      throw new AppError('PRECHECK_INCOMPLETE', {
        details: {
          missingSlots: s.missingSlots.map((m) => m.code),
          blocking: s.materials.flatMap((m) =>
            m.findings.filter((f) => f.severity === 'block' && !f.override).map((f) => ({ materialId: m.materialId, key: f.key })),
          ),
          unchecked: s.materials.filter((m) => m.verdict === undefined).map((m) => m.materialId),
        },
      });
    }
  }

  /** A material's pre-check the clerk is about to correct or override, in the caller's transaction. */
  private editableMaterial(caseId: string, user: SessionUser, materialId: string): { c: CaseRecord; view: MaterialPrecheckView } {
    const c = this.deps.cases.getForWork(caseId, user, PRECHECK_EDIT);
    const view = this.materialViews(c.id, c).find((m) => m.materialId === materialId);
    if (!view) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId, materialId } });
    return { c, view };
  }

  /**
   * POST /api/cases/:id/precheck/complete: the clerk closes the pre-check (draft → prechecked),
   * recording what was overridden and corrected. The transition's guard is `assertReady`.
   */
  complete(caseId: string, user: SessionUser, note?: string) {
    const { db, cases } = this.deps;
    return db.transaction(() => {
      const c = this.deps.cases.getForWork(caseId, user, PRECHECK_EDIT);
      const s = this.summary(c);
      const overridden = s.materials.reduce((n, m) => n + m.findings.filter((f) => f.override).length, 0);
      const t = cases.applyTransition(c.id, 'precheck', actorOf(user), {
        ...(note ? { note } : {}),
        details: { materials: s.materials.length, overridden, corrected: s.materials.reduce((n, m) => n + m.corrections.length, 0) },
      });
      return cases.mutationResponse(t.case, user);
    })();
  }

  /** For the handoff bag: results, overrides and corrections per material, JSON-serialisable. */
  precheckExport(caseId: string) {
    const c = this.deps.cases.get(caseId);
    if (!c) throw new AppError('CASE_NOT_FOUND', { details: { caseId } });
    const s = this.summary(c);
    return {
      format: 'tongban-precheck/1',
      caseId: c.id,
      caseNo: c.caseNo,
      exportedAt: this.deps.clock.now().toISOString(),
      ready: s.ready,
      missingSlots: s.missingSlots,
      materials: s.materials.map((m) => ({
        materialId: m.materialId,
        slotCode: m.slotCode,
        fileName: m.fileName,
        status: m.status,
        verdict: m.verdict ?? null,
        pages: m.pages.map(({ imageUrl: _, lines, ...p }) => ({ ...p, text: lines.map((l) => l.text).join('\n') })),
        fields: m.fields,
        findings: m.findings,
        corrections: m.corrections,
        overrides: m.overrides,
      })),
    };
  }
}

function jobError(job: JobRow): { code: string; message_zh: string; message_en: string } {
  const code = job.error_code ?? 'PRECHECK_OCR_FAILED';
  try {
    const m = JSON.parse(job.error_message ?? '') as { zh: string; en: string };
    return { code, message_zh: m.zh, message_en: m.en };
  } catch {
    const spec = errorSpec(code);
    return { code, message_zh: spec.zh, message_en: spec.en };
  }
}

/** Stage weights of a job's progress bar: preparing 5%, recognising 80%, fields 15%. */
function stageProgress(stage: PrecheckStage, f: number): number {
  if (stage === 'preparing') return 0.05 * f;
  if (stage === 'recognising') return 0.05 + 0.8 * f;
  return 0.85 + 0.15 * f;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
