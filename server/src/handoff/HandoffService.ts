import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, idDocumentName, maskIdNumber, type CaseState } from '@tongban/shared';
import { formatOxum } from '@tongban/shared/handoff/bagit';
import type { HandoffErrorCode } from '@tongban/shared/handoff/errors';
import type {
  CourierHandoffRequest,
  EnvelopeView,
  HandoffStatusView,
  TransferMode,
  TransferReceipt,
} from '@tongban/shared/handoff/schemas';
import type { SiteServices } from '../feature';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { CaseRecord, CaseService, CaseWorkRule } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import { listCaseMaterials } from '../materials/materialRows';
import type { BagProgress, BagSummary } from './bag/bagWriter';
import { createCaseBagStream, type BagEnvelope } from './caseBag';
import type { Envelopes } from './envelopes';
import { renderCoverSheet } from './coverSheet';
import type { HandoffEvidence } from './evidence';
import type { ReceivedReviews } from './receivedReviews';
import type { PeerSites } from './peers';
import type { SiteKeyring } from './siteKeys';

/** 转递: the intake window's clerk or supervisor, once the case is accepted. */
const HANDING_OFF: CaseWorkRule = {
  action: 'handoff.send',
  refusal: { zh: '只有收件窗口可以转递办件', en: 'Only the intake window hands a case off' },
  wrongState: (c) => new AppError(handoffRefusal(c.state), { details: { caseId: c.id, state: c.state } }),
};

/** Why a case in this state cannot be handed off: not accepted yet, already on its way, or over. */
function handoffRefusal(state: CaseState): HandoffErrorCode {
  switch (state) {
    case 'handed_off':
      return 'HANDOFF_ALREADY_HANDED_OFF';
    case 'in_handling':
      return 'HANDOFF_CASE_IN_HANDLING';
    case 'completed':
    case 'rated':
    case 'rejected':
    case 'withdrawn':
    case 'correction_expired':
      return 'HANDOFF_CASE_CLOSED';
    default:
      return 'HANDOFF_CASE_NOT_READY';
  }
}

export interface HandoffDeps extends Omit<SiteServices, 'log'> {
  cases: CaseService;
  catalog: CatalogService;
  keys: SiteKeyring;
  evidence: HandoffEvidence;
  /** Another module's own record of a received bag's co-review (the decision this site signed), linked on import. */
  reviewRecords: ReceivedReviews;
  envelopes: Envelopes;
  siteId: string;
  software: string;
  maxBagBytes: number;
}

export interface HandoffBagRow {
  id: string;
  case_id: string;
  mode: TransferMode;
  bag_sha256: string;
  bag_size: number;
  tagmanifest_sha256: string;
  payload_oxum: string;
  signer_fingerprint: string;
  courier_company: string | null;
  waybill_no: string | null;
  created_by: string;
  created_at: string;
  /** Deleted at the end of the retention period (the row and its hashes stay). */
  purged_at: string | null;
}

export interface HandoffProgressEvent extends BagProgress {
  caseId: string;
  userId: string | null;
}

/**
 * Builds and keeps the case's signed bag, hands a case off by courier, renders the cover sheet,
 * and answers what happened to the case after the window (status for the panel, QR look-up).
 * Progress of a build is emitted as `progress` (socket `handoff:progress`, CLI stderr).
 */
export class HandoffService extends EventEmitter<{ progress: [HandoffProgressEvent] }> {
  /** The handoff running per case: a second one waits for it, then meets the case as the first left it. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: HandoffDeps,
    /** Which configured peer site hosts an office: a case handled there travels online (its paper may follow). */
    private readonly peers: Pick<PeerSites, 'forOffice'>,
  ) {
    super();
  }

  /**
   * Runs `work` for a case after any handoff of that case in this process has settled, so two
   * clicks (or two windows) never build two bags; the second sees the new state and is refused
   * before it builds anything. The state re-check in each transaction still holds across processes.
   */
  async exclusive<T>(caseId: string, work: () => Promise<T>): Promise<T> {
    const before = this.running.get(caseId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    const settled = mine.catch(() => undefined);
    this.running.set(caseId, settled);
    try {
      return await mine;
    } finally {
      if (this.running.get(caseId) === settled) this.running.delete(caseId);
    }
  }

  /** Streams the bag of a case into `out` (the CLI's --out FILE); nothing is recorded. */
  async writeBag(caseId: string, mode: TransferMode, out: Writable, onProgress?: (p: BagProgress) => void): Promise<BagSummary> {
    const { stream, summary } = await this.bagStream(this.deps.cases.get(caseId), mode, onProgress);
    await Promise.all([pipeline(stream, out), summary]);
    return summary;
  }

  /**
   * Builds the bag of a case the user may hand off into the blob store and records it as the
   * case's current handoff bag; `record` runs in the same transaction, after the state is checked
   * again (the bag row, the state change and its audit event commit together or not at all).
   */
  async buildBag(
    caseId: string,
    mode: TransferMode,
    user: SessionUser,
    opts: { courier?: CourierHandoffRequest; record?: (bag: HandoffBagRow, c: CaseRecord) => void } = {},
  ): Promise<HandoffBagRow> {
    const row = await this.storeBag(this.readyCase(caseId, user), mode, user, opts.courier);
    this.deps.db.transaction(() => {
      const c = this.readyCase(caseId, user);
      this.insertBagRow(row);
      opts.record?.(row, c);
    })();
    return row;
  }

  /** The bag in the blob store, as a row not yet recorded. */
  private async storeBag(c: CaseRecord, mode: TransferMode, user: SessionUser, courier?: CourierHandoffRequest): Promise<HandoffBagRow> {
    const { blobs, clock, ids, keys, maxBagBytes } = this.deps;
    const at = clock.now().toISOString();
    const envelope = courier && { ...courier, mailedAt: at };
    const { stream, summary } = await this.bagStream(
      c,
      mode,
      (p) => this.emit('progress', { ...p, caseId: c.id, userId: user.id }),
      envelope,
    );
    const [stored, s] = await Promise.all([blobs.store(stream, { maxBytes: maxBagBytes, mediaType: 'application/zip' }), summary]);
    return {
      id: ids.uuid(),
      case_id: c.id,
      mode,
      bag_sha256: stored.sha256,
      bag_size: stored.size,
      tagmanifest_sha256: s.tagmanifestSha256,
      payload_oxum: formatOxum(s.oxum),
      signer_fingerprint: keys.signingKey().fingerprint,
      courier_company: courier?.courierCompany ?? null,
      waybill_no: courier?.waybillNo ?? null,
      created_by: user.id,
      created_at: at,
      purged_at: null,
    };
  }

  private insertBagRow(row: HandoffBagRow): void {
    const { db } = this.deps;
    db.prepare(
      `INSERT INTO handoff_bags (id, case_id, mode, bag_sha256, bag_size, tagmanifest_sha256, payload_oxum, signer_fingerprint, courier_company, waybill_no, created_by, created_at)
       VALUES (@id, @case_id, @mode, @bag_sha256, @bag_size, @tagmanifest_sha256, @payload_oxum, @signer_fingerprint, @courier_company, @waybill_no, @created_by, @created_at)`,
    ).run(row);
  }

  /** 邮寄转递: the bag is built and kept, the envelope's courier and waybill recorded, the case → handed_off. */
  async handOffByCourier(caseId: string, user: SessionUser, courier: CourierHandoffRequest): Promise<HandoffStatusView> {
    await this.exclusive(caseId, () =>
      this.buildBag(caseId, 'courier', user, {
        courier,
        record: (bag, c) => {
          this.deps.envelopes.mailed(c.id, courier, bag.created_at, user.id);
          this.deps.cases.applyTransition(c.id, 'hand_off', actorOf(user), {
            details: {
              mode: 'courier',
              courierCompany: courier.courierCompany,
              waybillNo: courier.waybillNo,
              bagSha256: bag.bag_sha256,
              tagmanifestSha256: bag.tagmanifest_sha256,
            },
          });
        },
      }),
    );
    return this.status(caseId, user);
  }

  /** The accepted case this user may hand off, or the precise reason why not. */
  readyCase(caseId: string, user: SessionUser): CaseRecord {
    return this.deps.cases.getForWork(caseId, user, HANDING_OFF);
  }

  latestBag(caseId: string): HandoffBagRow | undefined {
    return this.deps.db.prepare('SELECT * FROM handoff_bags WHERE case_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(caseId) as
      HandoffBagRow | undefined;
  }

  requireBag(caseId: string, user: SessionUser): { c: CaseRecord; bag: HandoffBagRow } {
    // The bag carries the scans and the co-review evidence: its participants only (not admins).
    const c = this.deps.cases.getForFiles(caseId, user);
    const bag = this.latestBag(c.id);
    if (!bag) throw new AppError('HANDOFF_NOT_FOUND', { details: { caseId } });
    return { c, bag };
  }

  /** 交接单 PDF of the case's current bag. */
  async coverSheet(caseId: string, user: SessionUser): Promise<{ caseNo: string; pdf: Uint8Array }> {
    const { catalog } = this.deps;
    const { c, bag } = this.requireBag(caseId, user);
    const item = catalog.itemForCase(c);
    // The envelope's courier, which the window may record after the bag was built (online + originals).
    const envelope = this.deps.envelopes.get(c.id);
    const intake = catalog.getOffice(c.intakeOfficeId);
    const handling = catalog.getOffice(c.handlingOfficeId);
    const pdf = await renderCoverSheet({
      caseNo: c.caseNo,
      itemCode: item.code,
      itemName: item.name,
      intakeOffice: intake.name,
      handlingOffice: handling.name,
      applicantName: c.applicant.name,
      applicantIdMasked: maskIdNumber(c.applicant.idNumber),
      applicantIdDocument: idDocumentName(c.applicant.idType),
      originals: item.materials.filter((m) => m.originalByCourier).map((m) => ({ name: m.name, copies: m.copies, pages: m.pages })),
      courierCompany: envelope?.courierCompany ?? bag.courier_company,
      waybillNo: envelope?.waybillNo ?? bag.waybill_no,
      tagmanifestSha256: bag.tagmanifest_sha256,
      payloadOxum: bag.payload_oxum,
      bagBuiltAt: bag.created_at,
    });
    return { caseNo: c.caseNo, pdf };
  }

  /** The receiving clerk scanned a cover sheet: does this site hold that case with that very bag? */
  lookup(
    caseNo: string,
    tagmanifestSha256: string,
    user: SessionUser,
  ): { found: boolean; matches: boolean; caseId: string | null; state: string | null } {
    const c = this.deps.cases.findByCaseNo(caseNo);
    if (!c) return { found: false, matches: false, caseId: null, state: null };
    this.deps.cases.getForUser(c.id, user);
    return { found: true, matches: this.holdsBag(c.id, tagmanifestSha256), caseId: c.id, state: c.state };
  }

  /** Whether this site built or received a bag of the case with this tagmanifest checksum (the cover sheet's QR). */
  holdsBag(caseId: string, tagmanifestSha256: string): boolean {
    const known = this.deps.db
      .prepare(
        `SELECT 1 FROM handoff_bags WHERE case_id = @id AND tagmanifest_sha256 = @tm
         UNION SELECT 1 FROM transfers WHERE case_id = @id AND tagmanifest_sha256 = @tm`,
      )
      .get({ id: caseId, tm: tagmanifestSha256 });
    return Boolean(known);
  }

  /** How the case left the window: a case received here by transfer came online, whatever the sender's bag was. */
  transferMode(c: CaseRecord): TransferMode | undefined {
    return c.sourceSite ? 'online' : this.latestBag(c.id)?.mode;
  }

  /** The case's paper envelope as both sites show it (待寄出 / 已寄出 / 已签收), or null. */
  envelope(c: CaseRecord): EnvelopeView | null {
    return this.deps.envelopes.view(c.id, this.transferMode(c), this.deps.catalog.findItem(c.itemCode));
  }

  status(caseId: string, user: SessionUser): HandoffStatusView {
    const { db, catalog } = this.deps;
    const c = this.deps.cases.getForUser(caseId, user);
    const bag = this.latestBag(c.id);
    const transfer = db.prepare('SELECT * FROM transfers WHERE case_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(c.id) as
      | {
          direction: 'in' | 'out';
          status: string;
          peer_site: string;
          receipt_json: string | null;
          error: string | null;
          updated_at: string;
        }
      | undefined;
    const result = db.prepare('SELECT * FROM case_results WHERE case_id = ?').get(c.id) as
      | {
          origin: 'local' | 'peer';
          outcome: 'approved' | 'denied';
          summary: string;
          delivery: 'document' | 'mail';
          document_sha256: string | null;
          courier_company: string | null;
          waybill_no: string | null;
          decided_at: string;
          sent_at: string | null;
        }
      | undefined;
    const rating = db
      .prepare('SELECT level, comment, channel, rated_at, kind, appended_comment FROM ratings WHERE case_id = ?')
      .get(c.id) as
      | {
          level: number;
          comment: string | null;
          channel: 'window' | 'phone';
          rated_at: string;
          kind: 'applicant' | 'default';
          appended_comment: string | null;
        }
      | undefined;
    return {
      handlingAtPeerSite: this.peers.forOffice(c.handlingOfficeId) !== undefined,
      handoff: bag
        ? {
            mode: bag.mode,
            bagSha256: bag.bag_sha256,
            bagSize: bag.bag_size,
            tagmanifestSha256: bag.tagmanifest_sha256,
            courierCompany: bag.courier_company,
            waybillNo: bag.waybill_no,
            createdAt: bag.created_at,
          }
        : null,
      transfer: transfer
        ? {
            status: transfer.status === 'failed' ? 'failed' : 'sent',
            peerSite: transfer.peer_site,
            peerSiteName: catalog.siteName(transfer.peer_site),
            receipt: transfer.receipt_json ? (JSON.parse(transfer.receipt_json) as TransferReceipt) : null,
            error: transfer.error,
            updatedAt: transfer.updated_at,
          }
        : null,
      result: result
        ? {
            outcome: result.outcome,
            summary: result.summary,
            delivery: result.delivery,
            documentSha256: result.document_sha256,
            courierCompany: result.courier_company,
            waybillNo: result.waybill_no,
            decidedAt: result.decided_at,
            sentAt: result.sent_at,
            origin: result.origin,
          }
        : null,
      rating: rating
        ? {
            level: rating.level,
            comment: rating.comment,
            channel: rating.channel,
            ratedAt: rating.rated_at,
            kind: rating.kind,
            appended: rating.appended_comment,
          }
        : null,
      envelope: this.envelope(c),
      resultDeliveryOptions: catalog.findItem(c.itemCode)?.resultDelivery ?? [],
    };
  }

  private async bagStream(c: CaseRecord, mode: TransferMode, onProgress?: (p: BagProgress) => void, envelope?: BagEnvelope) {
    const { catalog, ledger, blobs, keys, evidence, db, clock, siteId, software } = this.deps;
    return createCaseBagStream(
      {
        case: c,
        item: catalog.itemForCase(c),
        offices: { intake: catalog.getOffice(c.intakeOfficeId), handling: catalog.getOffice(c.handlingOfficeId) },
        materials: listCaseMaterials(db, c.id),
        events: ledger.forCase(c.id),
        evidence: await evidence.collect(c.id),
        mode,
        envelope,
        siteId,
        software,
        now: clock.now(),
      },
      blobs,
      keys.signingKey(),
      onProgress,
    );
  }
}
