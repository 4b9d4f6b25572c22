import { AppError, CASE_STATE_LABELS, maskIdNumber } from '@tongban/shared';
import { assertCan } from '@tongban/shared/cases/access';
import { parseCaseNumber } from '@tongban/shared/cases/caseNumber';
import { parseReceivingCode, type ReceivingView } from '@tongban/shared/handoff/receiving';
import { sameWaybill, type CourierHandoffRequest, type HandoffStatusView } from '@tongban/shared/handoff/schemas';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseWorkRule } from '../cases/CaseService';
import { listCaseMaterials } from '../materials/materialRows';
import type { HandoffDeps, HandoffService } from './HandoffService';

/** Not yet handed off, or closed before it was: there is nothing at the handling office to sign for. */
const notHandedOff = (c: CaseRecord) =>
  new AppError('RECEIVING_NOT_HANDED_OFF', {
    details: { caseId: c.id, state: c.state },
    zh: `办件当前状态为“${CASE_STATE_LABELS[c.state].zh}”，尚未转递到办理单位，没有可签收的材料`,
    en: `The case is “${CASE_STATE_LABELS[c.state].en}”: it has not been handed off to the handling office, so there is nothing to sign for`,
  });

const STARTING: CaseWorkRule = {
  action: 'handoff.startHandling',
  refusal: { zh: '只有办理单位可以开始办理', en: 'Only the handling office starts handling a case' },
  wrongState: (c) =>
    ['in_handling', 'completed', 'rated'].includes(c.state)
      ? new AppError('RECEIVING_ALREADY_STARTED', { details: { caseId: c.id, state: c.state } })
      : notHandedOff(c),
};

const MAILING: CaseWorkRule = {
  action: 'handoff.mailOriginals',
  refusal: { zh: '只有收件窗口可以登记原件寄出', en: 'Only the intake window records mailed originals' },
  wrongState: (c) => new AppError('ORIGINALS_WRONG_STATE', { details: { caseId: c.id, state: c.state } }),
};

/**
 * 收件签收 at the handling office: finds a case by its cover sheet's QR or its number, signs for
 * its paper envelope (the waybill checked against the one the window recorded, or entered from
 * the envelope), and starts handling; and the window's side of it, 登记原件寄出 after an online
 * transfer. Each change is one audit event in the transaction that makes it.
 */
export class ReceivingService {
  constructor(
    private readonly deps: HandoffDeps,
    private readonly handoff: HandoffService,
  ) {}

  /** GET /api/handoff/receiving?code=…: what the QR or the case number names, for the handling office. */
  lookup(code: string, user: SessionUser): ReceivingView {
    const given = parseReceivingCode(code);
    if (!given) throw new AppError('RECEIVING_CODE_INVALID', { details: { code: code.slice(0, 80) } });
    const found = this.deps.cases.findByCaseNo(given.caseNo);
    if (!found) throw this.notHere(given.caseNo);
    const c = this.receivable(found.id, user);
    if (given.tagmanifestSha256 && !this.handoff.holdsBag(c.id, given.tagmanifestSha256)) {
      throw new AppError('RECEIVING_COVER_SHEET_MISMATCH', { details: { caseNo: c.caseNo } });
    }
    return this.view(c, given.tagmanifestSha256 !== undefined);
  }

  /** 签收: the paper envelope arrived. A waybill the window recorded must match the one on the envelope. */
  sign(caseId: string, user: SessionUser, envelope: CourierHandoffRequest): ReceivingView {
    const { db, clock, ledger, cases, envelopes } = this.deps;
    const c = db.transaction(() => {
      const c = this.receivable(caseId, user);
      const expected = this.handoff.envelope(c);
      if (!expected) throw new AppError('RECEIVING_NO_ENVELOPE', { details: { caseId } });
      if (expected.status === 'received') throw new AppError('RECEIVING_ALREADY_SIGNED', { details: { caseId } });
      if (expected.waybillNo && !sameWaybill(expected.waybillNo, envelope.waybillNo)) {
        throw new AppError('RECEIVING_WAYBILL_MISMATCH', {
          details: { caseId, entered: envelope.waybillNo },
          zh: `运单号 ${envelope.waybillNo} 与收件窗口登记的 ${expected.waybillNo} 不一致，请核对信封上的运单号`,
          en: `Waybill ${envelope.waybillNo} differs from ${expected.waybillNo}, which the intake window recorded; check the number on the envelope`,
        });
      }
      const at = clock.now().toISOString();
      // Mailing not known here (recorded at the window after the transfer): the envelope itself says it.
      if (expected.status === 'pending') envelopes.mailed(c.id, envelope, null, null);
      envelopes.received(c.id, at, { userId: user.id });
      ledger.append(actorOf(user), 'handoff.envelope_received', {
        caseId: c.id,
        details: {
          caseNo: c.caseNo,
          mode: this.handoff.transferMode(c),
          courierCompany: expected.courierCompany ?? envelope.courierCompany,
          waybillNo: expected.waybillNo ?? envelope.waybillNo,
        },
      });
      cases.changes.changed(c.id, 'transfer', actorOf(user));
      return c;
    })();
    return this.view(c, false);
  }

  /** 开始办理: the case moves to in_handling once what came by courier is signed for. */
  start(caseId: string, user: SessionUser): ReceivingView {
    const { db, cases } = this.deps;
    const moved = db.transaction(() => {
      const c = cases.getForWork(caseId, user, STARTING);
      const envelope = this.handoff.envelope(c);
      if (envelope && envelope.status !== 'received') throw new AppError('RECEIVING_NOT_SIGNED', { details: { caseId } });
      return cases.applyTransition(c.id, 'start_handling', actorOf(user), {
        details: envelope ? { waybillNo: envelope.waybillNo, receivedAt: envelope.receivedAt } : {},
      });
    })();
    return this.view(moved.case, false);
  }

  /** 登记原件寄出: after an online transfer, the originals the catalogue marks 原件需邮寄 went by courier. */
  mailOriginals(caseId: string, user: SessionUser, courier: CourierHandoffRequest): HandoffStatusView {
    const { db, clock, ledger, cases, envelopes } = this.deps;
    db.transaction(() => {
      const c = cases.getForWork(caseId, user, MAILING);
      const envelope = this.handoff.envelope(c);
      if (!envelope || this.handoff.transferMode(c) === 'courier') throw new AppError('ORIGINALS_NOT_NEEDED', { details: { caseId } });
      if (envelope.status !== 'pending') throw new AppError('ORIGINALS_ALREADY_MAILED', { details: { caseId } });
      envelopes.mailed(c.id, courier, clock.now().toISOString(), user.id);
      ledger.append(actorOf(user), 'handoff.originals_mailed', {
        caseId: c.id,
        details: { caseNo: c.caseNo, courierCompany: courier.courierCompany, waybillNo: courier.waybillNo },
      });
      cases.changes.changed(c.id, 'transfer', actorOf(user));
    })();
    return this.handoff.status(caseId, user);
  }

  /**
   * The case, if it is this user's handling office's and has been handed off; else why not. A
   * stranger is told whose case it is (the cover sheet says so too), not only that it is not theirs.
   */
  private receivable(caseId: string, user: SessionUser): CaseRecord {
    const c = this.deps.cases.get(caseId);
    const handling = this.deps.catalog.findOffice(c.handlingOfficeId)?.name ?? '';
    assertCan(user, 'handoff.receive', c, {
      details: { caseId },
      office: { zh: `该办件由${handling}办理，不是本单位的办件`, en: `This case is handled by ${handling}, not by your office` },
      wrongState: notHandedOff,
    });
    return c;
  }

  /** No such case here: one received at another site's window and never transferred here, or unknown. */
  private notHere(caseNo: string): AppError {
    const { catalog, siteId } = this.deps;
    const code = parseCaseNumber(caseNo)?.officeCode;
    const office = catalog.listOffices().find((o) => o.code === code && o.kind === 'intake');
    if (office && office.siteId !== siteId) {
      const site = catalog.siteName(office.siteId);
      return new AppError('RECEIVING_CASE_AT_OTHER_SITE', {
        details: { caseNo, site: office.siteId },
        zh: `办件 ${caseNo} 由${site}的${office.name}收件，尚未网上转递到本站；请联系该窗口网上转递办件记录后再签收`,
        en: `Case ${caseNo} was received by ${office.name} (${site}) and has not been transferred here online; ask that window to transfer its record, then sign for it`,
      });
    }
    return new AppError('RECEIVING_CASE_UNKNOWN', {
      details: { caseNo },
      zh: `本站没有办件 ${caseNo}，请核对交接单上的办件编号`,
      en: `No case ${caseNo} is held here; check the case number on the cover sheet`,
    });
  }

  private view(c: CaseRecord, coverSheetChecked: boolean): ReceivingView {
    const { catalog, db } = this.deps;
    const item = catalog.itemForCase(c);
    const scans = new Map<string, number>();
    for (const m of listCaseMaterials(db, c.id)) scans.set(m.slotCode, (scans.get(m.slotCode) ?? 0) + 1);
    return {
      case: {
        id: c.id,
        caseNo: c.caseNo,
        itemCode: item.code,
        itemName: item.name,
        ...(item.nameEn ? { itemNameEn: item.nameEn } : {}),
        state: c.state,
        applicantName: c.applicant.name,
        applicantIdMasked: maskIdNumber(c.applicant.idNumber),
        intakeOfficeName: catalog.getOffice(c.intakeOfficeId).name,
        handlingOfficeName: catalog.getOffice(c.handlingOfficeId).name,
      },
      // A case past the window always has a bag here, or came in one.
      mode: this.handoff.transferMode(c)!,
      coverSheetChecked,
      envelope: this.handoff.envelope(c),
      materials: item.materials.map((m) => ({
        code: m.code,
        name: m.name,
        ...(m.nameEn ? { nameEn: m.nameEn } : {}),
        original: m.originalByCourier,
        copies: m.copies,
        pages: m.pages,
        scans: scans.get(m.code) ?? 0,
      })),
    };
  }
}
