import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { RemoteQueueInfo, ReviewQueueEntry } from '@tongban/shared/review/session';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card } from '../../ui';
import { formatWait } from './format';
import { acceptRemote } from './remoteReviewApi';
import { openRtcSocket, rtcRequest } from './rtc/signalling';

/**
 * 待接入的视频会审: the handling office's live queue of co-review requests, longest waiting first,
 * pushed over /rtc as requests arrive, are accepted or cancelled. For the reviewer's queue page.
 * A request from another site's intake window has no case here: it shows what that site sent.
 */
export default function ReviewQueue() {
  const { t, lang, errorText } = useI18n();
  const [queue, setQueue] = useState<{ entries: ReviewQueueEntry[]; at: number }>({ entries: [], at: Date.now() });
  const [error, setError] = useState<unknown>(null);
  const [, setTick] = useState(0);

  useEffect(() => {
    const socket = openRtcSocket();
    const show = (entries: ReviewQueueEntry[]) => setQueue({ entries, at: Date.now() });
    socket.on('connect', () => void rtcRequest(socket, 'queue:subscribe', {}).then(show, setError)); // again after every reconnect
    socket.on('queue:changed', show);
    const timer = setInterval(() => setTick((n) => n + 1), 1000); // waiting times count up
    return () => {
      clearInterval(timer);
      socket.close();
    };
  }, []);

  const waited = (e: ReviewQueueEntry) => e.waitingSeconds + Math.round((Date.now() - queue.at) / 1000);
  const entries = queue.entries;
  return (
    <Card title={t('待接入的视频会审', 'Video reviews waiting')}>
      {error !== null && <Alert tone="block">{errorText(error)}</Alert>}
      {entries.length === 0 ? (
        <p className="muted">{t('暂无等待中的视频会审', 'No video review is waiting')}</p>
      ) : (
        <ul className="review-queue" data-testid="review-queue">
          {entries.map((e) => (
            <li key={e.sessionId} data-session-id={e.sessionId} {...(e.remote ? { 'data-remote-site': e.remote.site } : {})}>
              {e.remote ? <span className="mono">{e.caseNo}</span> : <Link to={`/cases/${e.caseId}`}>{e.caseNo}</Link>} · {e.itemName} ·{' '}
              {e.applicantName}
              {e.remote && `（${e.remote.applicantIdMasked}）`} ·{' '}
              {t(`已等待 ${formatWait(waited(e), 'zh')}`, `waiting ${formatWait(waited(e), lang)}`)}
              {e.assignedToName && t(` · 随机分配给 ${e.assignedToName}`, ` · assigned to ${e.assignedToName}`)}
              {e.remote && <RemoteRequest entry={e} remote={e.remote} />}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/**
 * What the intake site sent with its request: where it comes from, the pre-check and the materials;
 * 接单 accepts it here and opens the call at the intake site.
 */
function RemoteRequest({ entry, remote }: { entry: ReviewQueueEntry; remote: RemoteQueueInfo }) {
  const { t, lang, errorText } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      await acceptRemote(entry.sessionId);
      void navigate(`/remote-call/${encodeURIComponent(entry.sessionId)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const { precheck } = remote;
  const from = remote.intakeProvince ? `${remote.intakeProvince}站点` : `${remote.site} 站点`;
  return (
    <div className="review-queue-remote" data-testid="review-queue-remote">
      <p className="muted">
        {t(`来自 ${from} · ${remote.intakeOfficeName}`, `From site ${remote.site} · ${remote.intakeOfficeName}`)} ·{' '}
        {t('申请于', 'requested')} {formatDateTime(entry.requestedAt, lang)}
      </p>
      <p>
        {t('预审：', 'Pre-check: ')}
        <VerdictBadge verdict={precheck.verdict} />{' '}
        {t(
          `阻断 ${precheck.blocking} 项 · 提示 ${precheck.warnings} 项 · 材料 ${remote.materials.length} 份`,
          `${precheck.blocking} blocking · ${precheck.warnings} warnings · ${remote.materials.length} materials`,
        )}
        {precheck.missingSlots.length > 0 &&
          t(
            ` · 缺少：${precheck.missingSlots.map((m) => m.name).join('、')}`,
            ` · missing: ${precheck.missingSlots.map((m) => m.code).join(', ')}`,
          )}
      </p>
      {precheck.findings.length > 0 && (
        <ul className="review-queue-findings">
          {precheck.findings.map((f, i) => (
            <li key={`${f.materialId}:${f.code}:${i}`}>
              <Badge tone={f.severity === 'block' ? 'block' : f.severity === 'warn' ? 'warn' : 'info'}>{f.code}</Badge>{' '}
              {lang === 'zh' ? f.message_zh : f.message_en || f.message_zh}
            </li>
          ))}
        </ul>
      )}
      {error !== null && <Alert tone="block">{errorText(error)}</Alert>}
      <div className="card-actions">
        <Button variant="primary" busy={busy} onClick={() => void accept()}>
          {t('接单', 'Accept')}
        </Button>
      </div>
    </div>
  );
}

function VerdictBadge({ verdict }: { verdict: RemoteQueueInfo['precheck']['verdict'] }) {
  const { t } = useI18n();
  if (verdict === 'block') return <Badge tone="block">{t('不通过', 'Blocked')}</Badge>;
  if (verdict === 'warn') return <Badge tone="warn">{t('需注意', 'Check')}</Badge>;
  if (verdict === 'pass') return <Badge tone="ok">{t('通过', 'Pass')}</Badge>;
  return <Badge tone="info">{t('未预审', 'Not checked')}</Badge>;
}
