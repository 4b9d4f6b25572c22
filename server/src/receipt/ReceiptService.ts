import { AGENT_RELATION_LABELS, AppError, RESULT_CHANNEL_LABELS } from '@tongban/shared';
import { maskPhone } from '@tongban/shared/cases/masking';
import { chinaDateTime } from '@tongban/shared/cases/chinaTime';
import { publicProgress, queryCodeFromBytes, QUERY_CODE_LENGTH, statusPath, type PublicCaseStatus } from '@tongban/shared/cases/queryCode';
import type { CaseWorkRule, CaseRecord, CaseService } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { Clock, IdSource } from '../clock';
import type { Config } from '../config/config';
import type { AuditLedger } from '../audit/AuditLedger';
import type { SessionUser } from '../auth/AuthService';
import { actorOf } from '../auth/AuthService';
import type { Db } from '../storage/database';
import { FailureWindow } from '../failureWindow';
import { listCaseMaterials } from '../materials/materialRows';
import { SIGNATURE_CHANNEL_LABELS, type SignatureView } from '@tongban/shared/signature/signature';
import { renderReceipt, type ReceiptData, type ReceiptSignature } from './receiptSheet';

/** Wrong query codes one address may send in STATUS_WINDOW_MS before it must wait. */
export const STATUS_MAX_WRONG = 10;
const STATUS_WINDOW_MS = 10 * 60_000;

const RECEIPT_RULE: CaseWorkRule = {
  action: 'case.receipt',
  refusal: { zh: '收件回执由办件的收件窗口打印', en: 'The receipt is printed by the case’s intake window' },
  wrongState: (c) => new AppError('RECEIPT_NOT_READY', { details: { caseId: c.id, state: c.state } }),
};

/** The case's signature in force for the receipt: its view, and the PNG unless retention deleted it. */
export type ReceiptSignatureSource = (caseId: string) => Promise<{ view: SignatureView; png?: Buffer } | null>;

export interface ReceiptServiceDeps {
  db: Db;
  ledger: AuditLedger;
  clock: Clock;
  ids: IdSource;
  cases: CaseService;
  catalog: CatalogService;
  config: Pick<Config, 'PUBLIC_URL'>;
}

/**
 * 收件回执 and the public status page. The query code is issued by the 受理 (or first 补正) transition itself
 * (whichever route fires it), in its transaction; its audit event says a code was issued but not
 * the code: the code opens the status page to anyone holding it, while the audit trail is read by
 * staff of both offices and travels in the handoff bag.
 */
export class ReceiptService {
  /** Wrong codes per client address; a right code does not clear them, so a known code cannot reset the count. */
  private readonly wrongCodes = new FailureWindow(STATUS_WINDOW_MS);
  private signatureOf: ReceiptSignatureSource | undefined;

  constructor(private readonly deps: ReceiptServiceDeps) {
    // 受理, or 补正 first: the correction notice carries the code too, so the applicant can follow the case from then on.
    for (const action of ['accept', 'request_correction'] as const)
      deps.cases.onTransition(action, (c) => (this.codeOf(c.id) ? undefined : { queryCodeIssued: this.issueCode(c.id) }));
  }

  /** The applicant's signature on the declaration, printed on the receipt (the signature module registers itself). */
  printSignature(source: ReceiptSignatureSource): void {
    this.signatureOf = source;
  }

  private async signature(caseId: string): Promise<ReceiptSignature | undefined> {
    const s = await this.signatureOf?.(caseId);
    if (!s) return undefined;
    const { view, png } = s;
    return {
      ...(png ? { png } : {}),
      signedAt: chinaDateTime(view.signedAt),
      channel: SIGNATURE_CHANNEL_LABELS[view.channel].zh,
      imageSha256: view.imageSha256,
      textSha256: view.textSha256,
    };
  }

  private codeOf(caseId: string): string | undefined {
    return (this.deps.db.prepare('SELECT query_code FROM cases WHERE id = ?').pluck().get(caseId) as string | null) ?? undefined;
  }

  /** Stores a fresh unique code on the case (caller's transaction); returns true for the audit event. */
  private issueCode(caseId: string): true {
    const { db, ids } = this.deps;
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = queryCodeFromBytes(Buffer.from(ids.token(QUERY_CODE_LENGTH), 'base64url'));
      if (db.prepare('SELECT 1 FROM cases WHERE query_code = ?').get(code)) continue;
      db.prepare('UPDATE cases SET query_code = ? WHERE id = ?').run(code, caseId);
      return true;
    }
    throw new Error('no free query code after 5 tries: is the id source random?');
  }

  /** The receipt PDF for the case's intake window; the print is one audit event. */
  async receipt(caseId: string, user: SessionUser, serverOrigin: string): Promise<{ caseNo: string; pdf: Uint8Array }> {
    const { db, ledger, clock, cases, catalog, config } = this.deps;
    const c = cases.getForWork(caseId, user, RECEIPT_RULE);
    const queryCode = this.codeOf(c.id);
    // Every accepted case got one with its 受理; a case without one was accepted before codes existed.
    if (!queryCode) throw new AppError('RECEIPT_NOT_READY', { details: { caseId: c.id, reason: 'no query code' } });
    const item = catalog.itemForCase(c);
    const intake = catalog.getOffice(c.intakeOfficeId);
    const files = new Map<string, number>();
    for (const m of listCaseMaterials(db, c.id)) files.set(m.slotCode, (files.get(m.slotCode) ?? 0) + 1);
    const now = clock.now();
    const signature = await this.signature(c.id);
    const pdf = await renderReceipt({
      caseNo: c.caseNo,
      itemName: item.name,
      materials: item.materials
        .filter((m) => files.has(m.code))
        .map((m) => ({ name: m.name, form: m.originalByCourier ? '原件' : '复印件', files: files.get(m.code)!, pages: m.pages })),
      promisedDate: c.deadline,
      handlingOffice: catalog.getOffice(c.handlingOfficeId).name,
      ...receiptPeople(c, item.resultDelivery),
      window: { name: intake.name, place: `${intake.province}${intake.city}`, address: intake.address ?? '', phone: intake.phone ?? '' },
      acceptedAt: chinaDateTime(c.decidedAt ?? c.updatedAt),
      printedAt: chinaDateTime(now),
      queryCode,
      statusUrl: `${(config.PUBLIC_URL ?? serverOrigin).replace(/\/+$/, '')}${statusPath(queryCode)}`,
      ...(signature ? { signature } : {}),
    });
    db.transaction(() => {
      ledger.append(actorOf(user), 'receipt.printed', {
        caseId: c.id,
        details: { caseNo: c.caseNo, materials: files.size, ...(signature ? { signatureSha256: signature.imageSha256 } : {}) },
      });
    })();
    return { caseNo: c.caseNo, pdf };
  }

  /** GET /api/status/:code for anyone: progress and dates only. Wrong codes count against `clientIp`. */
  status(code: string, clientIp: string): PublicCaseStatus {
    const now = this.deps.clock.now().getTime();
    const wait = this.wrongCodes.retryAfterMs(clientIp, STATUS_MAX_WRONG, now);
    if (wait > 0) throw new AppError('STATUS_RATE_LIMITED', { details: { retryAfterSeconds: Math.ceil(wait / 1000) } });
    const id = this.deps.db.prepare('SELECT id FROM cases WHERE query_code = ?').pluck().get(code) as string | undefined;
    if (!id) {
      this.wrongCodes.fail(clientIp, now);
      throw new AppError('STATUS_CODE_NOT_FOUND');
    }
    return this.publicStatus(this.deps.cases.get(id));
  }

  private publicStatus(c: CaseRecord): PublicCaseStatus {
    const completedAt = this.deps.db
      .prepare("SELECT at FROM audit_events WHERE case_id = ? AND action = 'case.complete' ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get(c.id) as string | undefined;
    return {
      ...publicProgress(c.state),
      itemName: this.deps.catalog.getItem(c.itemCode).name,
      handlingOffice: this.deps.catalog.getOffice(c.handlingOfficeId).name,
      receivedAt: c.createdAt,
      ...(c.decidedAt ? { decidedAt: c.decidedAt } : {}),
      ...(completedAt ? { completedAt } : {}),
      promisedDate: c.deadline,
    };
  }
}

/** The receipt's rows on who applies and how the result comes back; the recipient's phone masked, as on any paper that leaves the window. */
function receiptPeople(c: CaseRecord, itemWays: string[]): Pick<ReceiptData, 'resultDelivery' | 'mailingAddress' | 'agent'> {
  const a = c.mailingAddress;
  return {
    resultDelivery: c.resultChannel ? RESULT_CHANNEL_LABELS[c.resultChannel].zh : itemWays.join('、') || '收件窗口领取',
    ...(a ? { mailingAddress: `${a.province}${a.city}${a.district}${a.detail}（收件人 ${a.recipient}，电话 ${maskPhone(a.phone)}）` } : {}),
    ...(c.agent ? { agent: `${c.agent.name}（${AGENT_RELATION_LABELS[c.agent.relation].zh}，受申请人委托办理）` } : {}),
  };
}
