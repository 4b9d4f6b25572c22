import { AppError } from '@tongban/shared';
import { assertCan, type Principal } from '@tongban/shared/cases/access';
import {
  AnnotationGeometrySchema,
  type AddAnnotationRequest,
  type AnnotationKind,
  type AnnotationView,
} from '@tongban/shared/annotations/annotations';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import { actorOf, type SessionUser } from '../auth/AuthService';
import type { Actor } from '../audit/AuditLedger';
import type { CaseService } from '../cases/CaseService';
import type { SiteServices } from '../feature';
import { findCaseMaterial } from '../materials/materialRows';
import type { PrecheckService } from '../precheck/PrecheckService';
import type { ReviewPrincipal } from '../review/ReviewSessionService';
import { renderAnnotationCrop } from './annotationCrop';

export interface AnnotationDeps extends Pick<SiteServices, 'db' | 'clock' | 'ids' | 'ledger'> {
  cases: Pick<CaseService, 'get' | 'getForUser' | 'touch'>;
  /** Who is in the session's call: a mark is drawn (and removed) only by someone who may join it now. */
  review: { authorizeJoin(who: ReviewPrincipal, sessionId: string): { session: ReviewSessionView } };
  /** The pages as the shared viewer shows them: how many a material has, and one as an image for the crop. */
  pages: Pick<PrecheckService, 'pageCount' | 'shownPage'>;
}

interface AnnotationRow {
  id: string;
  case_id: string;
  session_id: string;
  material_id: string;
  page: number;
  kind: AnnotationKind;
  geometry_json: string;
  note: string | null;
  author_id: string | null;
  author_key: string;
  author_name: string;
  author_role: string;
  created_at: string;
  removed_at: string | null;
}

/** Who draws: an account here, or a peer site's reviewer named as their site vouched for them (no account here). */
interface Author {
  principal: Principal;
  actor: Actor;
  userId: string | null;
  key: string;
  name: string;
  /** Added to the audit event: for a peer reviewer, who they are and through which site and grant. */
  details: Record<string, unknown>;
}

function authorOf(who: ReviewPrincipal): Author {
  if (who.kind === 'user')
    return {
      principal: who.user,
      actor: actorOf(who.user),
      userId: who.user.id,
      key: `user:${who.user.id}`,
      name: who.user.displayName,
      details: {},
    };
  if (who.kind === 'peerReviewer') {
    const { reviewer } = who;
    return {
      principal: { role: 'reviewer', officeId: reviewer.officeId },
      actor: { id: null, name: who.displayName, role: 'reviewer', officeId: reviewer.officeId },
      userId: null,
      key: `peer:${reviewer.siteId}:${reviewer.userId}`,
      name: who.displayName,
      details: { via: `site:${reviewer.siteId}`, reviewer, grantRef: who.grantRef },
    };
  }
  // The applicant steers nothing in the viewer: refused by the access table (call.annotate).
  return {
    principal: { role: 'applicant' },
    actor: { id: null, name: 'applicant', role: 'applicant', officeId: null },
    userId: null,
    key: `applicant:${who.sessionId}`,
    name: '申请人',
    details: {},
  };
}

/**
 * 批注 on the shared materials of a co-review: a mark on one page of one of the case's current
 * scans, stored with the page, the author and the time (one audit event in the same transaction),
 * removed only by its author while the call is on (the row stays, marked removed, and so does the
 * event). The call passes every mark on to the other desks; a desk that rejoins gets them all again;
 * the case page lists them afterwards; a 补正 item made from one prints with a crop of its page.
 */
export class AnnotationService {
  constructor(private readonly deps: AnnotationDeps) {}

  add(who: ReviewPrincipal, sessionId: string, body: AddAnnotationRequest): AnnotationView {
    const { db, clock, ids, ledger, cases } = this.deps;
    const author = authorOf(who);
    return db.transaction(() => {
      const { session } = this.deps.review.authorizeJoin(who, sessionId);
      assertCan(author.principal, 'call.annotate', undefined, { details: { sessionId } });
      const material = findCaseMaterial(db, session.caseId, body.materialId);
      if (!material) throw new AppError('MATERIAL_NOT_FOUND', { details: { caseId: session.caseId, materialId: body.materialId } });
      if (material.replacedBy)
        throw new AppError('MATERIAL_ALREADY_REPLACED', { details: { materialId: material.id, replacedBy: material.replacedBy } });
      const pages = this.deps.pages.pageCount(session.caseId, material.id) ?? (material.mediaType === 'application/pdf' ? undefined : 1);
      if (pages !== undefined && body.page > pages)
        throw new AppError('ANNOTATION_PAGE_UNKNOWN', { details: { materialId: material.id, page: body.page, pages } });
      const id = ids.uuid();
      const at = clock.now().toISOString();
      db.prepare(
        `INSERT INTO annotations (id, case_id, session_id, material_id, page, kind, geometry_json, note, author_id, author_key, author_name, author_role, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        session.caseId,
        sessionId,
        material.id,
        body.page,
        body.geometry.kind,
        JSON.stringify(body.geometry),
        body.note ?? null,
        author.userId,
        author.key,
        author.name,
        author.principal.role,
        at,
      );
      ledger.append(author.actor, 'annotation.added', {
        caseId: session.caseId,
        details: {
          annotationId: id,
          sessionId,
          materialId: material.id,
          slotCode: material.slotCode,
          page: body.page,
          kind: body.geometry.kind,
          ...(body.note ? { note: body.note } : {}),
          ...author.details,
        },
      });
      cases.touch(session.caseId);
      return this.view(id)!;
    })();
  }

  /** The author takes their own mark back, while the call is on. */
  remove(who: ReviewPrincipal, sessionId: string, annotationId: string): AnnotationView {
    const { db, clock, ledger, cases } = this.deps;
    const author = authorOf(who);
    return db.transaction(() => {
      const { session } = this.deps.review.authorizeJoin(who, sessionId);
      assertCan(author.principal, 'call.annotate', undefined, { details: { sessionId } });
      const row = this.row(annotationId);
      if (!row || row.removed_at || row.session_id !== session.id)
        throw new AppError('ANNOTATION_NOT_FOUND', { details: { annotationId } });
      if (row.author_key !== author.key)
        throw new AppError('ANNOTATION_NOT_AUTHOR', { details: { annotationId, authorName: row.author_name } });
      db.prepare('UPDATE annotations SET removed_at = ?, removed_by_name = ? WHERE id = ?').run(
        clock.now().toISOString(),
        author.name,
        row.id,
      );
      const material = findCaseMaterial(db, row.case_id, row.material_id);
      ledger.append(author.actor, 'annotation.removed', {
        caseId: row.case_id,
        details: {
          annotationId: row.id,
          sessionId,
          materialId: row.material_id,
          slotCode: material?.slotCode,
          page: row.page,
          kind: row.kind,
          ...author.details,
        },
      });
      cases.touch(row.case_id);
      return toView(row);
    })();
  }

  /** The marks of a session still shown, oldest first: what a desk joining the call draws. */
  forSession(sessionId: string): AnnotationView[] {
    const rows = this.deps.db
      .prepare('SELECT * FROM annotations WHERE session_id = ? AND removed_at IS NULL ORDER BY created_at, rowid')
      .all(sessionId) as AnnotationRow[];
    return rows.map(toView);
  }

  /** The ids of the session's marks still shown that `who` drew. */
  authoredBy(who: ReviewPrincipal, sessionId: string): string[] {
    return this.deps.db
      .prepare('SELECT id FROM annotations WHERE session_id = ? AND author_key = ? AND removed_at IS NULL ORDER BY created_at, rowid')
      .pluck()
      .all(sessionId, authorOf(who).key) as string[];
  }

  /** Every mark of the case still shown, oldest first, for the case page (anyone who may see the case). */
  list(caseId: string, user: SessionUser): AnnotationView[] {
    const c = this.deps.cases.getForUser(caseId, user);
    assertCan(user, 'case.view', c, { details: { caseId } });
    return this.forCase(c.id);
  }

  forCase(caseId: string): AnnotationView[] {
    const rows = this.deps.db
      .prepare('SELECT * FROM annotations WHERE case_id = ? AND removed_at IS NULL ORDER BY created_at, rowid')
      .all(caseId) as AnnotationRow[];
    return rows.map(toView);
  }

  /** A mark of this case still shown (a 补正 item may name only such a mark). */
  ofCase(caseId: string, annotationId: string): AnnotationView | undefined {
    const row = this.row(annotationId);
    return row && row.case_id === caseId && !row.removed_at ? toView(row) : undefined;
  }

  /** The marked page cut to the mark plus a margin, with the mark drawn on it (JPEG), for the correction notice. */
  async crop(caseId: string, annotationId: string): Promise<Buffer | undefined> {
    const a = this.ofCase(caseId, annotationId) ?? this.anyOfCase(caseId, annotationId);
    if (!a) return undefined;
    const page = await this.deps.pages.shownPage(caseId, a.materialId, a.page);
    return renderAnnotationCrop(page, a.geometry);
  }

  /** Also a mark removed after the notice named it: the notice printed with it keeps its crop. */
  private anyOfCase(caseId: string, annotationId: string): AnnotationView | undefined {
    const row = this.row(annotationId);
    return row && row.case_id === caseId ? toView(row) : undefined;
  }

  private view(id: string): AnnotationView | undefined {
    const row = this.row(id);
    return row ? toView(row) : undefined;
  }

  private row(id: string): AnnotationRow | undefined {
    return this.deps.db.prepare('SELECT * FROM annotations WHERE id = ?').get(id) as AnnotationRow | undefined;
  }
}

function toView(r: AnnotationRow): AnnotationView {
  return {
    id: r.id,
    caseId: r.case_id,
    sessionId: r.session_id,
    materialId: r.material_id,
    page: r.page,
    kind: r.kind,
    geometry: AnnotationGeometrySchema.parse(JSON.parse(r.geometry_json)),
    ...(r.note ? { note: r.note } : {}),
    authorName: r.author_name,
    authorRole: r.author_role,
    createdAt: r.created_at,
  };
}
