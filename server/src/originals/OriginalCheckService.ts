import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { AppError, type MaterialView } from '@tongban/shared';
import { chinaDate } from '@tongban/shared/cases/chinaTime';
import {
  ORIGINAL_CHECK_METHOD_LABELS,
  type OriginalCheckRequest,
  type OriginalCheckView,
  type WithdrawOriginalCheckRequest,
} from '@tongban/shared/cases/originalCheck';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseService, CaseWorkRule } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import type { PayloadFile } from '../handoff/bag/bagWriter';
import { materialPath } from '../handoff/caseBag';
import { findCaseMaterial, listCaseMaterials } from '../materials/materialRows';
import { insertOriginalCheck } from '../materials/originalCheckRows';
import { forEachPrintPage, type PreprocessLimits } from '../precheck/preprocess';
import { renderCertifiedCopy } from './certifiedCopySheet';

export interface OriginalCheckDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger' | 'blobs'> {
  cases: CaseService;
  catalog: Pick<CatalogService, 'getOffice' | 'itemForCase'>;
  /** The pre-check's input limits: a PDF scan is rasterised for the copy as for OCR. */
  limits: PreprocessLimits;
}

const CHECK_RULE: CaseWorkRule = {
  action: 'materials.checkOriginal',
  refusal: { zh: '原件核验由办件的收件窗口登记', en: 'The case’s intake window records checks against the originals' },
  wrongState: (c) => new AppError('ORIGINAL_CHECK_CLOSED', { details: { caseId: c.id, state: c.state } }),
};

/**
 * 已核验原件: the window records, per scan, that it compared the scan with the original — who,
 * when, how (the paper at the window, or the document camera in the call) — and withdraws a mark
 * recorded by mistake with a reason; each with its audit event in the same transaction. A marked
 * scan prints as a certified copy (核验件): every page with the standard wording, the clerk, the
 * office and the date of the check.
 */
export class OriginalCheckService {
  constructor(private readonly deps: OriginalCheckDeps) {}

  record(caseId: string, materialId: string, user: SessionUser, body: OriginalCheckRequest): MaterialView {
    const { db, clock, ids, ledger, cases } = this.deps;
    return db.transaction(() => {
      const c = cases.getForWork(caseId, user, CHECK_RULE);
      const m = this.currentScan(c, materialId);
      if (m.originalCheck)
        throw new AppError('ORIGINAL_CHECK_EXISTS', {
          details: { materialId, checkedByName: m.originalCheck.checkedByName, checkedAt: m.originalCheck.checkedAt },
        });
      const check: OriginalCheckView = {
        method: body.method,
        ...(body.note ? { note: body.note } : {}),
        checkedByName: user.displayName,
        checkedAt: clock.now().toISOString(),
      };
      insertOriginalCheck(db, { id: ids.uuid(), caseId: c.id, materialId: m.id, checkedBy: user.id, check });
      ledger.append(actorOf(user), 'material.original_checked', {
        caseId: c.id,
        details: { ...scanFacts(m), method: check.method, ...(check.note ? { note: check.note } : {}) },
      });
      return this.changed(c, m, user);
    })();
  }

  /** A mark recorded by mistake: it stays on record as withdrawn, with who and why. */
  withdraw(caseId: string, materialId: string, user: SessionUser, body: WithdrawOriginalCheckRequest): MaterialView {
    const { db, clock, ledger, cases } = this.deps;
    return db.transaction(() => {
      const c = cases.getForWork(caseId, user, CHECK_RULE);
      const m = this.currentScan(c, materialId);
      if (!m.originalCheck) throw new AppError('ORIGINAL_CHECK_MISSING', { details: { materialId } });
      db.prepare(
        'UPDATE original_checks SET withdrawn_at = ?, withdrawn_reason = ?, withdrawn_by_name = ? WHERE material_id = ? AND withdrawn_at IS NULL',
      ).run(clock.now().toISOString(), body.reason, user.displayName, m.id);
      ledger.append(actorOf(user), 'material.original_check_withdrawn', {
        caseId: c.id,
        details: { ...scanFacts(m), method: m.originalCheck.method, checkedAt: m.originalCheck.checkedAt, reason: body.reason },
      });
      return this.changed(c, m, user);
    })();
  }

  /**
   * The certified copy of a marked scan for a participant of the case (it carries the full
   * identity, as the scan does); each print is an audit event. Also at the handling site, from the
   * scan and the mark the bag brought.
   */
  async certifiedCopy(caseId: string, materialId: string, user: SessionUser): Promise<{ fileName: string; pdf: Uint8Array }> {
    const c = this.deps.cases.getForFiles(caseId, user);
    const m = this.currentScan(c, materialId);
    if (!m.originalCheck) throw new AppError('ORIGINAL_CHECK_MISSING', { details: { materialId } });
    const { pdf, pages } = await this.render(c, m, m.originalCheck);
    this.deps.ledger.record(actorOf(user), 'material.certified_copy_printed', { caseId: c.id, details: { ...scanFacts(m), pages } });
    return { fileName: `certified-${c.caseNo}-${m.slotCode}-${m.sha256.slice(0, 8)}.pdf`, pdf };
  }

  /**
   * data/originals/ of the case's bag: the certified copy of every marked scan, named as the scan
   * is under data/materials/ (the marks themselves are in case.json, with each scan).
   */
  async forBag(caseId: string): Promise<PayloadFile[]> {
    const c = this.deps.cases.get(caseId);
    const out: PayloadFile[] = [];
    for (const [i, m] of listCaseMaterials(this.deps.db, c.id).entries()) {
      if (!m.originalCheck) continue;
      const { pdf } = await this.render(c, m, m.originalCheck);
      out.push({ path: `${path.posix.parse(materialPath(m, i)).name}.pdf`, content: Buffer.from(pdf) });
    }
    return out;
  }

  private async render(c: CaseRecord, m: MaterialView, check: OriginalCheckView) {
    const { catalog, blobs, limits } = this.deps;
    const scan = await buffer(blobs.open(m.sha256));
    return renderCertifiedCopy(
      {
        caseNo: c.caseNo,
        materialName: catalog.itemForCase(c).materials.find((s) => s.code === m.slotCode)?.name ?? m.slotCode,
        checkedByName: check.checkedByName,
        office: catalog.getOffice(c.intakeOfficeId).name,
        checkedOn: chinaDate(new Date(check.checkedAt)),
        method: ORIGINAL_CHECK_METHOD_LABELS[check.method].zh,
      },
      (onPage) => forEachPrintPage(scan, limits, onPage),
    );
  }

  /** A current scan of the case: a replaced one is history, neither checked again nor printed. */
  private currentScan(c: CaseRecord, materialId: string): MaterialView {
    const m = findCaseMaterial(this.deps.db, c.id, materialId);
    if (!m) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId: c.id, materialId } });
    if (m.replacedBy) throw new AppError('MATERIAL_ALREADY_REPLACED', { details: { materialId, replacedBy: m.replacedBy } });
    return m;
  }

  /** Inside the change's transaction: the case touched, its pages told, the scan as it now stands. */
  private changed(c: CaseRecord, m: MaterialView, user: SessionUser): MaterialView {
    this.deps.cases.touch(c.id);
    this.deps.cases.changes.changed(c.id, 'materials', actorOf(user));
    return findCaseMaterial(this.deps.db, c.id, m.id)!;
  }
}

const scanFacts = (m: MaterialView) => ({ materialId: m.id, slotCode: m.slotCode, fileName: m.fileName, sha256: m.sha256 });
