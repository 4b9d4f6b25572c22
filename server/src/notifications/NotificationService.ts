import { EventEmitter } from 'node:events';
import { AppError } from '@tongban/shared';
import type { NotificationKind, NotificationView, NotificationsResponse } from '@tongban/shared/notifications/notifications';
import type { SessionUser } from '../auth/AuthService';
import type { SiteServices } from '../feature';

interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  case_id: string;
  case_no: string;
  step: string;
  office_name: string;
  due_at: string;
  created_at: string;
  read_at: string | null;
}

const LIST_LIMIT = 50;

/**
 * The bell in the header: in-app notifications, one row per recipient. Created inside the
 * transaction of the audit event they go with; `created` is emitted once that has committed (the
 * caller calls `announce`), so a socket push never tells of a row that was rolled back.
 */
export class NotificationService extends EventEmitter<{ created: [NotificationView & { userId: string }] }> {
  constructor(private readonly deps: Pick<SiteServices, 'db' | 'clock' | 'ids'>) {
    super();
  }

  /** Inside the caller's transaction: one notification per user; returns them for `announce`. */
  create(
    userIds: readonly string[],
    n: { kind: NotificationKind; caseId: string; caseNo: string; step: string; officeName: string; dueAt: string },
  ): Array<NotificationView & { userId: string }> {
    const { db, clock, ids } = this.deps;
    const at = clock.now().toISOString();
    const insert = db.prepare(
      `INSERT INTO notifications (id, user_id, kind, case_id, case_no, step, office_name, due_at, created_at)
       VALUES (@id, @user_id, @kind, @case_id, @case_no, @step, @office_name, @due_at, @created_at)`,
    );
    return userIds.map((userId) => {
      const row: NotificationRow = {
        id: ids.uuid(),
        user_id: userId,
        kind: n.kind,
        case_id: n.caseId,
        case_no: n.caseNo,
        step: n.step,
        office_name: n.officeName,
        due_at: n.dueAt,
        created_at: at,
        read_at: null,
      };
      insert.run(row);
      return { ...toView(row), userId };
    });
  }

  announce(created: ReadonlyArray<NotificationView & { userId: string }>): void {
    for (const n of created) this.emit('created', n);
  }

  /** The user's latest notifications and how many are unread. */
  list(user: SessionUser): NotificationsResponse {
    const { db } = this.deps;
    const rows = db
      .prepare('SELECT * FROM notifications WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(user.id, LIST_LIMIT) as NotificationRow[];
    const unread = db.prepare('SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL').pluck().get(user.id) as number;
    return { notifications: rows.map(toView), unread };
  }

  /**
   * Marks the user's own notification read (or all of them, without an id). The user's inbox is
   * not a case record, so nothing is audited; the reminder itself was (step.reminder_sent).
   */
  markRead(user: SessionUser, id?: string): NotificationsResponse {
    const { db, clock } = this.deps;
    const at = clock.now().toISOString();
    if (id === undefined) {
      db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL').run(at, user.id);
    } else {
      const hit = db.prepare('UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?').run(at, id, user.id);
      if (hit.changes === 0) throw new AppError('NOT_FOUND', { details: { notificationId: id } });
    }
    return this.list(user);
  }
}

function toView(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    caseId: r.case_id,
    caseNo: r.case_no,
    step: r.step,
    officeName: r.office_name,
    dueAt: r.due_at,
    createdAt: r.created_at,
    readAt: r.read_at,
  };
}
