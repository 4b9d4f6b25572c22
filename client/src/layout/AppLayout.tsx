import { Suspense, useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import type { Role } from '@tongban/shared';
import { can, type Action } from '@tongban/shared/cases/access';
import { useAuth } from '../auth/AuthContext';
import { useOffices } from '../api/reference';
import { onConnectionState, type ConnectionState } from '../api/socket';
import { ROLE_LABELS } from '../format';
import { useI18n } from '../i18n';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { useDisplayPrefs } from '../ui';

/** A page's link shows to the roles that may do its main action (App's RequireUser), or to the roles listed. */
type NavEntry = { to: string; zh: string; en: string } & ({ action: Action } | { roles: Role[] });

const NAV: NavEntry[] = [
  { to: '/desk', zh: '我的办件', en: 'My cases', action: 'case.create' },
  { to: '/queue', zh: '待审队列', en: 'Review queue', action: 'review.queue' },
  { to: '/receiving', zh: '收件签收', en: 'Receiving', action: 'handoff.receive' },
  { to: '/ledger', zh: '工作台账', en: 'Work ledger', action: 'ledger.view' },
  { to: '/dashboard', zh: '监督看板', en: 'Dashboard', action: 'dashboard.view' },
  { to: '/calendar', zh: '节假日日历', en: 'Holidays', action: 'calendar.view' },
  // A supervisors' page (as the ledger); an admin edits on it.
  { to: '/step-limits', zh: '环节时限', en: 'Step limits', action: 'ledger.view' },
  { to: '/check', zh: '设备检测', en: 'Device check', roles: ['clerk', 'reviewer', 'supervisor'] },
];

/** Header (who, where, language, large text, logout), skip link and the page outlet. */
export function AppLayout() {
  const { user, logout } = useAuth();
  const { t, lang, setLang } = useI18n();
  const { largeText, setLargeText } = useDisplayPrefs();
  const { officeName } = useOffices();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const [conn, setConn] = useState<ConnectionState>('offline');

  useEffect(() => onConnectionState(setConn), []);

  // Move focus to the new page's content so keyboard and screen-reader users start at the top of it,
  // unless the page put it on its own field (the receiving desk's, where a barcode scanner types).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    if (!mainRef.current?.contains(document.activeElement)) mainRef.current?.focus();
  }, [location.pathname]);

  if (!user) return null;
  const entries = NAV.filter((n) => ('action' in n ? can(user, n.action) : n.roles.includes(user.role)));

  return (
    <>
      <a className="skip-link" href="#main">
        {t('跳到主要内容', 'Skip to main content')}
      </a>
      <header className="app-header">
        <Link className="app-brand" to="/">
          {t('通办视审台', 'Tongban Desk')}
        </Link>
        <nav className="app-nav" aria-label={t('主导航', 'Main')}>
          {entries.map((n) => (
            <NavLink key={n.to} to={n.to}>
              {t(n.zh, n.en)}
            </NavLink>
          ))}
        </nav>
        <div className="app-user">
          <div className="who">
            <span>
              {user.displayName} · {ROLE_LABELS[user.role][lang]}
            </span>
            <span>{officeName(user.officeId)}</span>
          </div>
          <NotificationBell />
          <button
            type="button"
            className="header-btn"
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {lang === 'zh' ? 'English' : '中文'}
          </button>
          <button type="button" className="header-btn" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>
            {t('大字模式', 'Large text')}
          </button>
          <button type="button" className="header-btn" onClick={() => void logout()}>
            {t('退出登录', 'Log out')}
          </button>
        </div>
      </header>
      {conn === 'reconnecting' && (
        <div className="conn-banner" role="status">
          {t('与服务器的实时连接已断开，正在重新连接…', 'Live connection lost; reconnecting…')}
        </div>
      )}
      <main id="main" ref={mainRef} tabIndex={-1}>
        <Suspense
          fallback={
            <p className="muted" role="status">
              {t('正在加载…', 'Loading…')}
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
