import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { can, type Action } from '@tongban/shared/cases/access';
import { useAuth } from './auth/AuthContext';
import { homePathFor } from './auth/homePath';
import { useI18n } from './i18n';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { DeskPage } from './pages/desk/DeskPage';
import { NewCasePage } from './pages/desk/NewCasePage';
import { QueuePage } from './pages/queue/QueuePage';
import { CaseDetailPage } from './pages/case/CaseDetailPage';
import { LedgerPage } from './pages/ledger/LedgerPage';
import { CalendarPage } from './pages/calendar/CalendarPage';
import { StepLimitsPage } from './pages/catalog/StepLimitsPage';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { Alert } from './ui';

// Feature screens owned by other teams, loaded on demand.
const CheckPage = lazy(() => import('./features/check/CheckPage'));
const CallPage = lazy(() => import('./features/call/CallPage'));
const ApplicantJoinPage = lazy(() => import('./features/applicant/ApplicantJoinPage'));
const RemoteCallPage = lazy(() => import('./features/call/RemoteCallPage'));
const RatingPhonePage = lazy(() => import('./features/handoff/RatingPhonePage'));
const ReceivingPage = lazy(() => import('./features/handoff/ReceivingPage'));
const StatusPage = lazy(() => import('./pages/status/StatusPage'));

function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('正在加载…', 'Loading…')}
    </p>
  );
}

/** Only logged-in users (whose role may do the page's `action`) get past; others go to /login and come back after. */
function RequireUser({ action, children }: { action?: Action; children: ReactNode }) {
  const { user, loading } = useAuth();
  const { t } = useI18n();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (action && !can(user, action)) {
    return (
      <Alert tone="block" title={t('无权访问此页面', 'You may not open this page')}>
        {t('请从顶部导航进入您的工作页面。', 'Use the navigation at the top to reach your own pages.')}
      </Alert>
    );
  }
  return <>{children}</>;
}

function Home() {
  const { user, loading } = useAuth();
  if (loading) return <Loading />;
  return <Navigate to={user ? homePathFor(user) : '/login'} replace />;
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/join/:token" element={<ApplicantJoinPage />} />
        <Route path="/rate/:token" element={<RatingPhonePage />} />
        <Route path="/status/:code" element={<StatusPage />} />
        <Route
          element={
            <RequireUser>
              <AppLayout />
            </RequireUser>
          }
        >
          <Route path="/" element={<Home />} />
          <Route
            path="/desk"
            element={
              <RequireUser action="case.create">
                <DeskPage />
              </RequireUser>
            }
          />
          <Route
            path="/desk/new"
            element={
              <RequireUser action="case.create">
                <NewCasePage />
              </RequireUser>
            }
          />
          <Route
            path="/queue"
            element={
              <RequireUser action="review.queue">
                <QueuePage />
              </RequireUser>
            }
          />
          <Route
            path="/receiving"
            element={
              <RequireUser action="handoff.receive">
                <ReceivingPage />
              </RequireUser>
            }
          />
          <Route path="/cases/:id" element={<CaseDetailPage />} />
          <Route
            path="/ledger"
            element={
              <RequireUser action="ledger.view">
                <LedgerPage />
              </RequireUser>
            }
          />
          <Route
            path="/dashboard"
            element={
              <RequireUser action="dashboard.view">
                <DashboardPage />
              </RequireUser>
            }
          />
          <Route
            path="/calendar"
            element={
              <RequireUser action="calendar.view">
                <CalendarPage />
              </RequireUser>
            }
          />
          <Route
            path="/step-limits"
            element={
              <RequireUser action="ledger.view">
                <StepLimitsPage />
              </RequireUser>
            }
          />
          <Route path="/check" element={<CheckPage />} />
          <Route path="/call/:sessionId" element={<CallPage />} />
          <Route
            path="/remote-call/:sessionId"
            element={
              <RequireUser action="review.queue">
                <RemoteCallPage />
              </RequireUser>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Alert tone="warn" title={t('页面不存在', 'Page not found')}>
      {t('请从顶部导航选择要去的页面。', 'Pick a page from the navigation at the top.')}
    </Alert>
  );
}
