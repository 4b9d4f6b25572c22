import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { AppError, isAppError } from '@tongban/shared';
import { assertCan } from '@tongban/shared/cases/access';
import {
  RESULT_DOCUMENT_MAX_BYTES,
  RESULT_MESSAGE_MAX_BYTES,
  ResultMessageSchema,
  type HandoffStatusView,
  type ResultMessage,
  type ResultRequest,
} from '@tongban/shared/handoff/schemas';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { Actor } from '../audit/AuditLedger';
import type { CaseRecord, CaseWorkRule } from '../cases/CaseService';
import { MediaTypeGate, sniffMediaType } from '../materials/mediaType';
import type { IncomingFile } from '../materials/multipart';
import type { HandoffDeps, HandoffService } from './HandoffService';
import { PeerSites, describeError } from './peers';
import { signEnvelope, type SignedEnvelope } from './siteSigning';

export const RESULTS_PATH = '/api/transfers/results';

/** 办结: the handling office's reviewer or supervisor, once the case has been handed off to it. */
const DECIDING: CaseWorkRule = {
  action: 'result.record',
  refusal: { zh: '只有办理单位可以办结', en: 'Only the handling office completes a case' },
  wrongState: (c) => new AppError('CASE_ILLEGAL_TRANSITION', { details: { state: c.state, action: 'complete' } }),
};

interface ResultRow {
  case_id: string;
  origin: 'local' | 'peer';
  outcome: ResultRequest['outcome'];
  summary: string;
  delivery: ResultRequest['delivery'];
  document_sha256: string | null;
  document_name: string | null;
  document_media_type: string | null;
  courier_company: string | null;
  waybill_no: string | null;
  decided_at: string;
  sent_at: string | null;
}

/**
 * 办结送达: the handling office records the outcome (a result document, or a paper result mailed
 * with a waybill number), the case completes there, and the result goes back signed to the
 * intake site, whose case completes too so the window can tell the applicant how it arrives.
 */
export class ResultService {
  constructor(
    private readonly deps: HandoffDeps & { uploadMaxBytes: number },
    private readonly handoff: HandoffService,
    private readonly peers: PeerSites,
  ) {}

  /**
   * Stores the result document (PDF/JPEG/PNG, sniffed) before the result is recorded. One that must
   * go back to a peer intake site is held to RESULT_DOCUMENT_MAX_BYTES, so the case never
   * completes here with a result the intake site would refuse.
   */
  async storeDocument(caseId: string, user: SessionUser, file: IncomingFile): Promise<{ sha256: string; size: number; mediaType: string }> {
    let c: CaseRecord;
    try {
      c = this.deps.cases.getForWork(caseId, user, DECIDING);
    } catch (e) {
      file.stream.resume();
      throw e;
    }
    const travels = c.sourceSite !== undefined && RESULT_DOCUMENT_MAX_BYTES < this.deps.uploadMaxBytes;
    const gate = new MediaTypeGate();
    pipeline(file.stream, gate, () => undefined);
    return this.deps.blobs
      .store(gate, { maxBytes: travels ? RESULT_DOCUMENT_MAX_BYTES : this.deps.uploadMaxBytes, mediaType: () => gate.mediaType! })
      .catch((e: unknown) => {
        if (travels && isAppError(e) && e.code === 'UPLOAD_TOO_LARGE') {
          throw new AppError('RESULT_DOCUMENT_TOO_LARGE', { details: { caseId, maxBytes: RESULT_DOCUMENT_MAX_BYTES } });
        }
        throw e;
      });
  }

  /** The handling office decides: result row + `complete` in one transaction, then sent back. */
  async record(caseId: string, user: SessionUser, req: ResultRequest): Promise<HandoffStatusView> {
    const { db, clock } = this.deps;
    const c = this.deps.cases.getForWork(caseId, user, DECIDING);
    const doc = req.documentSha256 ? this.documentBlob(req.documentSha256) : undefined;
    const row: ResultRow = {
      case_id: c.id,
      origin: 'local',
      outcome: req.outcome,
      summary: req.summary,
      delivery: req.delivery,
      document_sha256: doc?.sha256 ?? null,
      document_name: doc ? `办结文书-${c.caseNo}${doc.ext}` : null,
      document_media_type: doc?.mediaType ?? null,
      courier_company: req.courierCompany ?? null,
      waybill_no: req.waybillNo ?? null,
      decided_at: clock.now().toISOString(),
      sent_at: null,
    };
    db.transaction(() => this.complete(c, row, actorOf(user)))();
    if (c.sourceSite) await this.sendToIntake(c.id, actorOf(user));
    return this.handoff.status(caseId, user);
  }

  /** Retries sending the result to the intake site (after it was unreachable). */
  async resend(caseId: string, user: SessionUser): Promise<HandoffStatusView> {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'result.resend', c, { details: { caseId } });
    await this.sendToIntake(c.id, actorOf(user));
    return this.handoff.status(caseId, user);
  }

  /** Sends the recorded result back to the intake site; the result's delivery (sent or why not) is a change of the case. */
  private async sendToIntake(caseId: string, by: Actor): Promise<void> {
    const { db, clock, blobs, keys, cases } = this.deps;
    const c = cases.get(caseId);
    const row = db.prepare("SELECT * FROM case_results WHERE case_id = ? AND origin = 'local'").get(caseId) as ResultRow | undefined;
    if (!row || !c.sourceSite) return;
    const peer = this.peers.byId(c.sourceSite);
    let document: ResultMessage['document'];
    if (row.document_sha256) {
      const chunks: Buffer[] = [];
      for await (const chunk of blobs.open(row.document_sha256)) chunks.push(chunk as Buffer);
      document = {
        fileName: row.document_name!,
        mediaType: row.document_media_type!,
        sha256: row.document_sha256,
        base64: Buffer.concat(chunks).toString('base64'),
      };
    }
    const message: ResultMessage = {
      kind: 'tongban.result.v1',
      caseId: c.id,
      caseNo: c.caseNo,
      fromSite: keys.siteId,
      outcome: row.outcome,
      summary: row.summary,
      delivery: row.delivery,
      ...(row.courier_company ? { courierCompany: row.courier_company } : {}),
      ...(row.waybill_no ? { waybillNo: row.waybill_no } : {}),
      ...(document ? { document } : {}),
      decidedAt: row.decided_at,
    };
    // The originals' arrival rides on the result, so the window learns it without a message of its own.
    const originalsReceivedAt = this.deps.envelopes.get(c.id)?.receivedAt;
    if (originalsReceivedAt) message.originalsReceivedAt = originalsReceivedAt;
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    const sha256 = createHash('sha256').update(body).digest('hex');
    try {
      await this.peers.post(
        peer,
        RESULTS_PATH,
        { sha256, contentType: 'application/vnd.tongban.result+json', open: () => Readable.from([body]) },
        `${keys.siteId}:result:${c.id}`,
      );
      db.prepare('UPDATE case_results SET sent_at = ?, send_error = NULL WHERE case_id = ?').run(clock.now().toISOString(), c.id);
    } catch (e) {
      db.prepare('UPDATE case_results SET send_error = ? WHERE case_id = ?').run(describeError(e), c.id);
      throw e;
    } finally {
      cases.changes.changed(c.id, 'result', by);
    }
  }

  /** POST /api/transfers/results from the handling site. Idempotent: a repeat is acknowledged again. */
  async receive(
    headers: Record<string, string | string[] | undefined>,
    body: Readable,
  ): Promise<SignedEnvelope<{ kind: 'tongban.result-ack.v1'; caseId: string; receivedAt: string }>> {
    const { db, clock, blobs, keys, cases } = this.deps;
    const { request: req, json } = await this.peers.receiveJson(headers, body, RESULTS_PATH, RESULT_MESSAGE_MAX_BYTES);
    const parsed = ResultMessageSchema.safeParse(json);
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', {
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    const msg = parsed.data;
    const c = cases.findByCaseNo(msg.caseNo);
    if (!c || c.id !== msg.caseId) throw new AppError('RESULT_CASE_UNKNOWN', { details: { caseNo: msg.caseNo } });
    if (msg.fromSite !== req.site || this.peers.forOffice(c.handlingOfficeId)?.id !== req.site) {
      throw new AppError('TRANSFER_KEY_UNTRUSTED', { details: { site: req.site, caseNo: msg.caseNo } });
    }
    const ack = () =>
      signEnvelope(keys.signingKey(), { kind: 'tongban.result-ack.v1' as const, caseId: c.id, receivedAt: clock.now().toISOString() });
    if (db.prepare('SELECT 1 FROM case_results WHERE case_id = ?').get(c.id)) return ack();

    let documentType: string | null = null;
    if (msg.document) {
      const bytes = Buffer.from(msg.document.base64, 'base64');
      // The peer's declared type is not kept: the bytes say what the document is.
      documentType = sniffMediaType(bytes) ?? 'application/octet-stream';
      const stored = await blobs.store(Readable.from([bytes]), { mediaType: documentType });
      if (stored.sha256 !== msg.document.sha256) throw new AppError('TRANSFER_BODY_MISMATCH', { details: { file: msg.document.fileName } });
    }
    const row: ResultRow = {
      case_id: c.id,
      origin: 'peer',
      outcome: msg.outcome,
      summary: msg.summary,
      delivery: msg.delivery,
      document_sha256: msg.document?.sha256 ?? null,
      document_name: msg.document?.fileName ?? null,
      document_media_type: documentType,
      courier_company: msg.courierCompany ?? null,
      waybill_no: msg.waybillNo ?? null,
      decided_at: msg.decidedAt,
      sent_at: clock.now().toISOString(),
    };
    db.transaction(() => {
      if (msg.originalsReceivedAt) this.deps.envelopes.received(c.id, msg.originalsReceivedAt, { site: req.site });
      this.complete(cases.get(c.id), row, PeerSites.actor(req.site), msg.originalsReceivedAt);
    })();
    return ack();
  }

  /** The result document, for the clerk to print or hand over. */
  openDocument(caseId: string, user: SessionUser): { stream: Readable; fileName: string } {
    const c = this.deps.cases.getForFiles(caseId, user);
    const row = this.deps.db.prepare('SELECT * FROM case_results WHERE case_id = ?').get(c.id) as ResultRow | undefined;
    if (!row?.document_sha256) throw new AppError('NOT_FOUND', { details: { caseId, what: 'result document' } });
    return {
      stream: this.deps.blobs.open(row.document_sha256),
      fileName: row.document_name ?? 'result',
    };
  }

  /** Inside a transaction: the result row and the case moved to completed (through 办理中 if needed). */
  private complete(c: CaseRecord, row: ResultRow, actor: Actor, originalsReceivedAt?: string): void {
    const { db, cases } = this.deps;
    if (cases.get(c.id).state === 'handed_off') cases.applyTransition(c.id, 'start_handling', actor);
    db.prepare(
      `INSERT INTO case_results (case_id, origin, outcome, summary, delivery, document_sha256, document_name, document_media_type, courier_company, waybill_no, decided_at, sent_at)
       VALUES (@case_id, @origin, @outcome, @summary, @delivery, @document_sha256, @document_name, @document_media_type, @courier_company, @waybill_no, @decided_at, @sent_at)`,
    ).run(row);
    cases.applyTransition(c.id, 'complete', actor, {
      details: {
        outcome: row.outcome,
        delivery: row.delivery,
        documentSha256: row.document_sha256,
        courierCompany: row.courier_company,
        waybillNo: row.waybill_no,
        origin: row.origin,
        ...(originalsReceivedAt ? { originalsReceivedAt } : {}),
      },
    });
  }

  private documentBlob(sha256: string): { sha256: string; mediaType: string; ext: string } {
    const row = this.deps.db.prepare('SELECT media_type FROM blobs WHERE sha256 = ?').get(sha256) as { media_type: string } | undefined;
    if (!row) throw new AppError('RESULT_INVALID', { details: { documentSha256: sha256, reason: 'upload the document first' } });
    const ext = row.media_type === 'application/pdf' ? '.pdf' : row.media_type === 'image/png' ? '.png' : '.jpg';
    return { sha256, mediaType: row.media_type, ext };
  }
}
