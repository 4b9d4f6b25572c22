import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  NOTIFICATION_EVENT,
  NOTIFICATIONS_PATH,
  notificationText,
  type NotificationsResponse,
} from '@tongban/shared/notifications/notifications';
import { api } from '../../api/client';
import { getSocket } from '../../api/socket';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Button } from '../../ui';

/**
 * 提醒 in the header: the count of unread notifications (环节即将到期 / 已超时) as text, and the list
 * under it. A new one arrives live on the user's socket; opening a case from the list marks it read.
 */
export function NotificationBell() {
  const { t, lang, errorText } = useI18n();
  const { data, error, reload } = useApiData<NotificationsResponse>(NOTIFICATIONS_PATH);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const socket = getSocket();
    socket.on(NOTIFICATION_EVENT, reload);
    socket.on('connect', reload);
    return () => {
      socket.off(NOTIFICATION_EVENT, reload);
      socket.off('connect', reload);
    };
  }, [reload]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const unread = data?.unread ?? 0;
  const markRead = async (id?: string) => {
    await api.post(`${NOTIFICATIONS_PATH}/read`, id ? { id } : {}).catch(() => undefined);
    reload();
  };

  return (
    <div className="notify" ref={root}>
      <button
        type="button"
        className="header-btn"
        aria-expanded={open}
        aria-controls={listId}
        data-testid="notification-bell"
        onClick={() => setOpen(!open)}
      >
        {t('提醒', 'Reminders')}
        {unread > 0 && (
          <span className="notify-count">
            {unread}
            <span className="visually-hidden">{t(' 条未读', ' unread')}</span>
          </span>
        )}
      </button>
      {open && (
        <div id={listId} className="notify-panel" role="region" aria-label={t('提醒', 'Reminders')}>
          {error !== undefined && <p>{errorText(error)}</p>}
          {data && data.notifications.length === 0 && <p className="empty">{t('暂无提醒', 'No reminders')}</p>}
          {data && data.notifications.length > 0 && (
            <>
              <ul className="notify-list">
                {data.notifications.map((n) => (
                  <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                    <Link
                      to={`/cases/${n.caseId}`}
                      onClick={() => {
                        setOpen(false);
                        if (!n.readAt) void markRead(n.id);
                      }}
                    >
                      {n.kind === 'step_overdue' && <strong>{t('已超时：', 'Late: ')}</strong>}
                      {notificationText(n)[lang]}
                    </Link>
                    <span className="muted">
                      {' '}
                      {t(`责任单位 ${n.officeName}`, `Responsible: ${n.officeName}`)} · {formatDateTime(n.createdAt, lang)}
                      {!n.readAt && t('（未读）', ' (unread)')}
                    </span>
                  </li>
                ))}
              </ul>
              {unread > 0 && (
                <Button variant="secondary" onClick={() => void markRead()}>
                  {t('全部标为已读', 'Mark all read')}
                </Button>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
