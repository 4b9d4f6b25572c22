import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { AppError } from '@tongban/shared';
import { CoReviewRequestSchema, CoReviewWithdrawalSchema, type CoReviewRequest } from '@tongban/shared/review/crossSite';
import type { ReviewQueueEntry } from '@tongban/shared/review/session';
import { parse } from '../api/http';
import type { AuditLedger } from '../audit/AuditLedger';
import type { CatalogService } from '../catalog/CatalogService';
import type { Clock } from '../clock';
import { PeerSites } from '../handoff/peers';
import type { VerifiedRequest } from '../handoff/siteSigning';
import type { Db } from '../storage/database';
import { COREVIEW_MESSAGE_MAX_BYTES, COREVIEW_PATHS } from './coReviewMessages';

export interface IncomingDeps {
  db: Db;
  clock: Clock;
  ledger: AuditLedger;
  catalog: Pick<CatalogService, 'findOffice'>;
  peers: Pick<PeerSites, 'receiveJson'>;
  /** This site (SITE_ID): the handling office a request names must be one it hosts. */
  siteId: string;
}

/** What the inbox answers (also to a repeat, which changes nothing). */
export interface CoReviewAck {
  sessionId: string;
  status: 'waiting' | 'accepted' | 'withdrawn' | 'timed_out' | 'unknown';
}

interface RemoteRow {
  session_id: string;
  intake_site: string;
  handling_office_id: string;
  case_no: string;
  status: Exclude<CoReviewAck['status'], 'unknown'>;
  request_json: string;
  body_sha256: string;
}

/**
 * 跨站会审请求 at the handling site: co-review requests signed by a peer's intake site, kept
 * until withdrawn there, listed in the handling office's own 待审队列 beside this site's.
 * A valid signature says who sent a request, not that it is theirs to send: its intake office
 * must belong to the signing site and its handling office to this one.
 */
export class IncomingCoReviews {
  constructor(
    private readonly deps: IncomingDeps,
    /** A handling office's queue changed. */
    private readonly queueChanged: (officeId: string) => void,
  ) {}

  async receiveRequest(headers: IncomingHttpHeaders, body: AsyncIterable<unknown>): Promise<CoReviewAck> {
    const { request, msg } = await this.read(headers, body, COREVIEW_PATHS.request, CoReviewRequestSchema);
    this.assertOffices(request.site, msg);
    const { db, clock, ledger } = this.deps;
    const status = db.transaction((): CoReviewAck['status'] => {
      const existing = this.row(msg.sessionId);
      if (existing) {
        // A retry of the same message; the same session id with other content is not one.
        if (existing.body_sha256 !== request.bodySha256 || existing.intake_site !== request.site)
          throw new AppError('TRANSFER_IDEMPOTENCY_CONFLICT', { details: { sessionId: msg.sessionId } });
        return existing.status;
      }
      db.prepare(
        `INSERT INTO remote_review_requests
           (session_id, intake_site, intake_office_id, handling_office_id, case_no, status, request_json, body_sha256, requested_at, received_at)
         VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?)`,
      ).run(
        msg.sessionId,
        request.site,
        msg.intakeOfficeId,
        msg.handlingOfficeId,
        msg.caseNo,
        JSON.stringify(msg),
        request.bodySha256,
        msg.requestedAt,
        clock.now().toISOString(),
      );
      ledger.append(PeerSites.actor(request.site), 'review.remote_requested', {
        details: {
          sessionId: msg.sessionId,
          caseNo: msg.caseNo,
          intakeOfficeId: msg.intakeOfficeId,
          handlingOfficeId: msg.handlingOfficeId,
          requestedAt: msg.requestedAt,
        },
      });
      return 'waiting';
    })();
    this.queueChanged(msg.handlingOfficeId);
    return { sessionId: msg.sessionId, status };
  }

  async receiveWithdrawal(headers: IncomingHttpHeaders, body: AsyncIterable<unknown>): Promise<CoReviewAck> {
    const { request, msg } = await this.read(headers, body, COREVIEW_PATHS.withdrawal, CoReviewWithdrawalSchema);
    const { db, clock, ledger } = this.deps;
    const row = this.row(msg.sessionId);
    // Only the site that sent a request withdraws it; one no longer waiting stays as it is.
    if (!row || row.intake_site !== request.site) return { sessionId: msg.sessionId, status: 'unknown' };
    if (row.status !== 'waiting') return { sessionId: msg.sessionId, status: row.status };
    db.transaction(() => {
      db.prepare("UPDATE remote_review_requests SET status = ?, ended_at = ? WHERE session_id = ? AND status = 'waiting'").run(
        msg.reason,
        clock.now().toISOString(),
        msg.sessionId,
      );
      ledger.append(PeerSites.actor(request.site), 'review.remote_withdrawn', {
        details: { sessionId: msg.sessionId, caseNo: row.case_no, reason: msg.reason, at: msg.at },
      });
    })();
    this.queueChanged(row.handling_office_id);
    return { sessionId: msg.sessionId, status: msg.reason };
  }

  /** The requests waiting in a handling office's queue, with their waiting time counted from the request at the intake site. */
  queueFor(officeId: string): ReviewQueueEntry[] {
    const now = this.deps.clock.now().getTime();
    const rows = this.deps.db
      .prepare(
        "SELECT request_json, intake_site FROM remote_review_requests WHERE handling_office_id = ? AND status = 'waiting' ORDER BY requested_at",
      )
      .all(officeId) as Array<{ request_json: string; intake_site: string }>;
    return rows.map((r) => {
      const req = JSON.parse(r.request_json) as CoReviewRequest;
      const intake = this.deps.catalog.findOffice(req.intakeOfficeId);
      return {
        sessionId: req.sessionId,
        caseId: req.caseId,
        caseNo: req.caseNo,
        itemName: req.item.name,
        applicantName: req.applicant.name,
        intakeOfficeId: req.intakeOfficeId,
        requestedAt: req.requestedAt,
        waitingSeconds: Math.max(0, Math.round((now - Date.parse(req.requestedAt)) / 1000)),
        remote: {
          site: r.intake_site,
          intakeOfficeName: intake?.name ?? req.intakeOfficeId,
          intakeProvince: intake?.province ?? '',
          applicantIdMasked: req.applicant.idNumberMasked,
          precheck: req.precheck,
          materials: req.materials,
        },
      };
    });
  }

  private async read<S extends z.ZodType>(
    headers: IncomingHttpHeaders,
    body: AsyncIterable<unknown>,
    path: string,
    schema: S,
  ): Promise<{ request: VerifiedRequest; msg: z.infer<S> }> {
    const { request, json } = await this.deps.peers.receiveJson(headers, body, path, COREVIEW_MESSAGE_MAX_BYTES);
    return { request, msg: parse(schema, json) };
  }

  /** Which site hosts an office is catalogue data every site holds alike. */
  private assertOffices(site: string, msg: CoReviewRequest): void {
    const handling = this.deps.catalog.findOffice(msg.handlingOfficeId);
    const intake = this.deps.catalog.findOffice(msg.intakeOfficeId);
    if (handling?.siteId !== this.deps.siteId || handling.kind !== 'handling' || intake?.siteId !== site)
      throw new AppError('REVIEW_PEER_OFFICE_MISMATCH', {
        details: {
          site,
          handlingOfficeId: msg.handlingOfficeId,
          handlingSite: handling?.siteId ?? null,
          intakeOfficeId: msg.intakeOfficeId,
          intakeSite: intake?.siteId ?? null,
        },
      });
  }

  private row(sessionId: string): RemoteRow | undefined {
    return this.deps.db.prepare('SELECT * FROM remote_review_requests WHERE session_id = ?').get(sessionId) as RemoteRow | undefined;
  }
}
