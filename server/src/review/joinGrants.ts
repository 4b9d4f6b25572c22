import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { AppError, type MaterialView } from '@tongban/shared';
import { assertCan, type OfficeUser } from '@tongban/shared/cases/access';
import {
  JOIN_GRANT_TTL_MS,
  JoinGrantRequestSchema,
  JoinGrantSchema,
  grantUsable,
  type JoinGrant,
  type JoinGrantRequest,
  type SiteReviewer,
} from '@tongban/shared/review/crossSite';
import { GRANT_API, type GrantCaseView } from '@tongban/shared/review/grantAccess';
import type { SessionUser } from '../auth/AuthService';
import type { CaseRecord } from '../cases/CaseService';
import type { CatalogService } from '../catalog/CatalogService';
import type { SiteServices } from '../feature';
import { PeerSites } from '../handoff/peers';
import type { SiteKeyring } from '../handoff/siteKeys';
import { signEnvelope, verifyEnvelope, type SignedEnvelope } from '../handoff/siteSigning';
import type { MaterialService } from '../materials/MaterialService';
import { cutIdPhoto, type IdPhotoCrop } from '../precheck/idPhotoCrop';
import type { PrecheckService } from '../precheck/PrecheckService';
import { KEY_TTL_MS } from './applicantTokens';
import type { PeerReviewer, ReviewSessionService } from './ReviewSessionService';

export const JOIN_GRANTS_PATH = '/api/sites/join-grants';
const JOIN_REQUEST_TYPE = 'application/vnd.tongban.join-request+json';
const JOIN_REQUEST_MAX_BYTES = 16 * 1024;

/** What a peer reviewer's socket presents at the /rtc handshake: the grant, or the key its first join answered. */
export type PeerCredential = { grant: string } | { rejoin: string };

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

interface GrantRow {
  id: string;
  session_id: string;
  reviewer_json: string;
  expires_at: string;
  used_at: string | null;
  rejoin_expires_at: string | null;
}

export interface JoinGrantDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger' | 'blobs'> {
  keys: Pick<SiteKeyring, 'siteId' | 'signingKey' | 'trustedKeys'>;
  peers: Pick<PeerSites, 'receiveJson' | 'post' | 'byId'>;
  catalog: Pick<CatalogService, 'findOffice'>;
  review: Pick<ReviewSessionService, 'sessionForPeer' | 'acceptByPeer'>;
  precheck: Pick<PrecheckService, 'forUser' | 'pageImage' | 'idCardFront'>;
  materials: Pick<MaterialService, 'list' | 'get'>;
}

/**
 * 接入凭证 (join grants), both ends. The handling site asks, signed, for a grant for its reviewer
 * who accepted a co-review; the intake site issues one — random, minutes long, stored hashed,
 * signed — only for an open session of a case whose handling office that site hosts, and only
 * for that office's reviewer. The reviewer's browser then joins the call at the intake site: the
 * first join uses the grant up and answers a rejoin key, so that connection's reconnects (network,
 * restart of this site) keep working while a second browser with the same grant is refused. The
 * same grant reads that case's shared materials while its session is live. Grants and keys never
 * reach the audit trail or the logs: a grant is named there by its `id`.
 */
export class JoinGrantService {
  constructor(private readonly deps: JoinGrantDeps) {}

  /* ---------- intake site: issuing ---------- */

  /** POST /api/sites/join-grants from the handling site: the signed grant, or why not. */
  async issue(headers: IncomingHttpHeaders, body: Readable): Promise<SignedEnvelope<JoinGrant>> {
    const { db, clock, ids, ledger, keys, catalog, review } = this.deps;
    const { request, json } = await this.deps.peers.receiveJson(headers, body, JOIN_GRANTS_PATH, JOIN_REQUEST_MAX_BYTES);
    const parsed = JoinGrantRequestSchema.safeParse(json);
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', {
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    const { sessionId, reviewer, accept } = parsed.data;
    const { open, c } = review.sessionForPeer(sessionId);
    if (!open) throw new AppError('GRANT_SESSION_CLOSED', { details: { sessionId } });
    // The office registry says which site hosts the handling office: only that site, for that office's reviewer.
    const handlingSite = catalog.findOffice(c.handlingOfficeId)?.siteId;
    if (handlingSite !== request.site || reviewer.siteId !== request.site || reviewer.officeId !== c.handlingOfficeId)
      throw new AppError('GRANT_SITE_MISMATCH', {
        details: { site: request.site, sessionId, handlingOfficeId: c.handlingOfficeId, reviewerOfficeId: reviewer.officeId },
      });

    const ref = ids.uuid();
    // The accept is its own change (audited as the peer reviewer); a failure after it leaves the session theirs, as asked.
    if (accept) review.acceptByPeer(this.peerReviewer(ref, sessionId, reviewer));

    const now = clock.now();
    const grant: JoinGrant = {
      kind: 'tongban.coreview.join-grant.v1',
      grantId: ids.token(32),
      sessionId,
      reviewer,
      intakeSite: keys.siteId,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + JOIN_GRANT_TTL_MS).toISOString(),
      singleUse: true,
    };
    db.transaction(() => {
      // A repeat of a signed request (a replay inside its window) gets no second grant: the first was only ever sent to its asker.
      if (db.prepare('SELECT 1 FROM review_join_grants WHERE site = ? AND request_key = ?').get(request.site, request.idempotencyKey))
        throw new AppError('GRANT_REQUEST_REPEATED', { details: { site: request.site } });
      db.prepare(
        `INSERT INTO review_join_grants (id, grant_hash, session_id, site, request_key, reviewer_json, issued_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        ref,
        hash(grant.grantId),
        sessionId,
        request.site,
        request.idempotencyKey,
        JSON.stringify(reviewer),
        grant.issuedAt,
        grant.expiresAt,
      );
      ledger.append(PeerSites.actor(request.site), 'review.join_grant_issued', {
        caseId: c.id,
        details: { sessionId, grantRef: ref, reviewer, expiresAt: grant.expiresAt },
      });
    })();
    return signEnvelope(keys.signingKey(), grant);
  }

  /* ---------- intake site: the call ---------- */

  /** At the /rtc handshake: the peer reviewer an unused, unexpired grant or a rejoin key speaks for, while the session is open. */
  principalFor(credential: PeerCredential): PeerReviewer {
    const now = this.deps.clock.now().toISOString();
    const row = 'grant' in credential ? this.rowBy('grant_hash', credential.grant) : this.rowBy('rejoin_hash', credential.rejoin);
    if (!row) throw new AppError('GRANT_UNKNOWN');
    if ('grant' in credential) {
      if (row.used_at) throw new AppError('GRANT_USED');
      if (row.expires_at <= now) throw new AppError('GRANT_EXPIRED');
    } else if (row.rejoin_expires_at! <= now) throw new AppError('GRANT_EXPIRED');
    if (!this.deps.review.sessionForPeer(row.session_id).open) throw new AppError('GRANT_SESSION_CLOSED');
    return this.principal(row);
  }

  /**
   * The first join of the call uses the grant up (one transaction with its audit event) and
   * returns the key this connection rejoins with; GRANT_USED if another connection was first.
   */
  redeem(grant: string, who: PeerReviewer): string {
    const { db, clock, ids, ledger } = this.deps;
    const key = ids.token(32);
    const now = clock.now();
    db.transaction(() => {
      const r = db
        .prepare(
          `UPDATE review_join_grants SET used_at = @now, rejoin_hash = @rejoin, rejoin_expires_at = @until
           WHERE grant_hash = @grant AND used_at IS NULL AND expires_at > @now`,
        )
        // The rejoin key lasts while the session is open, at most as long as an applicant's key.
        .run({ now: now.toISOString(), rejoin: hash(key), until: new Date(now.getTime() + KEY_TTL_MS).toISOString(), grant: hash(grant) });
      if (r.changes !== 1) throw new AppError(this.rowBy('grant_hash', grant)?.used_at ? 'GRANT_USED' : 'GRANT_EXPIRED');
      ledger.append(PeerSites.actor(who.reviewer.siteId), 'review.join_grant_used', {
        caseId: this.deps.review.sessionForPeer(who.sessionId).c.id,
        details: { sessionId: who.sessionId, grantRef: who.grantRef, reviewer: who.reviewer },
      });
    })();
    return key;
  }

  /* ---------- intake site: the shared materials and the session's checks ---------- */

  /** The peer reviewer a grant speaks for over HTTP, while its session is open (GRANT_API's session routes). */
  peerFor(grant: string): PeerReviewer {
    return this.grantCase(grant).who;
  }

  /** The materials and pre-check of the grant's case, as the shared viewer shows them; page images through the grant. */
  caseView(grant: string): GrantCaseView {
    const { c, who } = this.grantCase(grant);
    const precheck = this.deps.precheck.forUser(c.id, officeUserOf(who));
    return {
      sessionId: who.sessionId,
      caseId: c.id,
      caseNo: c.caseNo,
      materials: this.deps.materials.list(c.id),
      precheck: {
        ...precheck,
        materials: precheck.materials.map((m) => ({
          ...m,
          pages: m.pages.map((p) => ({ ...p, imageUrl: GRANT_API.page(m.materialId, p.index + 1) })),
        })),
      },
    };
  }

  pageImage(grant: string, materialId: string, page: number): Promise<Buffer> {
    const { c, who } = this.grantCase(grant);
    return this.deps.precheck.pageImage(c.id, materialId, page, officeUserOf(who));
  }

  /** The ID photo the pre-check located on the case's ID card, for the reviewer's face comparison. */
  idPhoto(grant: string): Promise<IdPhotoCrop> {
    return cutIdPhoto(this.deps, this.grantCase(grant).c.id);
  }

  /** A scan as uploaded; viewed by the handling side, so audited as the local reviewer's views are. */
  content(grant: string, materialId: string): { material: MaterialView; stream: Readable } {
    const { c, who } = this.grantCase(grant);
    const material = this.deps.materials.get(c.id, materialId);
    this.deps.ledger.record(PeerSites.actor(who.reviewer.siteId), 'material.viewed', {
      caseId: c.id,
      details: { materialId, slotCode: material.slotCode, sha256: material.sha256, reviewer: who.reviewer, grantRef: who.grantRef },
    });
    return { material, stream: this.deps.blobs.open(material.sha256) };
  }

  /**
   * The case a grant reads while its session is open: once it opened the call it lasts as long as
   * the session (the call lasts longer than a grant's minutes); unused, until it expires.
   */
  private grantCase(grant: string): { c: CaseRecord; who: PeerReviewer } {
    const row = this.rowBy('grant_hash', grant);
    if (!row) throw new AppError('GRANT_UNKNOWN');
    if (!row.used_at && row.expires_at <= this.deps.clock.now().toISOString()) throw new AppError('GRANT_EXPIRED');
    const { open, c } = this.deps.review.sessionForPeer(row.session_id);
    if (!open) throw new AppError('GRANT_SESSION_CLOSED', { details: { sessionId: row.session_id } });
    return { c, who: this.principal(row) };
  }

  private rowBy(column: 'grant_hash' | 'rejoin_hash', secret: string): GrantRow | undefined {
    return this.deps.db.prepare(`SELECT * FROM review_join_grants WHERE ${column} = ?`).get(hash(secret)) as GrantRow | undefined;
  }

  private principal(row: GrantRow): PeerReviewer {
    return this.peerReviewer(row.id, row.session_id, JSON.parse(row.reviewer_json) as SiteReviewer);
  }

  private peerReviewer(grantRef: string, sessionId: string, reviewer: SiteReviewer): PeerReviewer {
    return { kind: 'peerReviewer', grantRef, sessionId, reviewer, displayName: peerDisplayName(reviewer, this.deps.catalog) };
  }

  /* ---------- handling site: asking for one ---------- */

  /**
   * This site's reviewer accepted a co-review requested at `intakeSite`: asks that site for their
   * grant and checks the answer is its signed grant for them and this session, usable on this
   * site's clock within the skew two sites' clocks may have (SITE_CLOCK_SKEW_MS).
   */
  async request(intakeSite: string, sessionId: string, user: SessionUser, opts: { accept?: true } = {}): Promise<JoinGrant> {
    const { keys, clock, ids } = this.deps;
    assertCan(user, 'review.verify');
    const peer = this.deps.peers.byId(intakeSite);
    const reviewer: SiteReviewer = { userId: user.id, displayName: user.displayName, officeId: user.officeId, siteId: keys.siteId };
    const message: JoinGrantRequest = { kind: 'tongban.coreview.join-request.v1', sessionId, reviewer, ...opts };
    const bytes = Buffer.from(JSON.stringify(message));
    const answer = (await this.deps.peers.post(
      peer,
      JOIN_GRANTS_PATH,
      { sha256: createHash('sha256').update(bytes).digest('hex'), contentType: JOIN_REQUEST_TYPE, open: () => Readable.from([bytes]) },
      `${keys.siteId}:join:${sessionId}:${ids.uuid()}`,
    )) as SignedEnvelope<unknown>;
    const parsed = JoinGrantSchema.safeParse(answer?.payload);
    const g = parsed.data;
    if (
      !g ||
      !verifyEnvelope(answer, keys.trustedKeys(), peer.id) ||
      g.intakeSite !== peer.id ||
      g.sessionId !== sessionId ||
      g.reviewer.userId !== reviewer.userId ||
      g.reviewer.officeId !== reviewer.officeId ||
      g.reviewer.siteId !== reviewer.siteId
    )
      throw new AppError('GRANT_INVALID', { details: { site: peer.id, reason: parsed.success ? 'signature or content' : 'schema' } });
    const usable = grantUsable(g, clock.now());
    if (!usable.ok)
      throw new AppError(usable.reason === 'expired' ? 'GRANT_EXPIRED' : 'GRANT_INVALID', {
        details: { site: peer.id, reason: usable.reason, issuedAt: g.issuedAt, expiresAt: g.expiresAt },
      });
    return g;
  }
}

/** A peer site's reviewer as this site shows them: their name and their site (王审核（湖南省站点）). */
export function peerDisplayName(reviewer: SiteReviewer, catalog: Pick<CatalogService, 'findOffice'>): string {
  const province = catalog.findOffice(reviewer.officeId)?.province;
  return `${reviewer.displayName}（${province ? `${province}站点` : `${reviewer.siteId} 站点`}）`;
}

/** A peer reviewer as the access rules see them: a reviewer of their (handling) office. */
function officeUserOf(who: PeerReviewer): OfficeUser {
  return { role: 'reviewer', officeId: who.reviewer.officeId };
}
