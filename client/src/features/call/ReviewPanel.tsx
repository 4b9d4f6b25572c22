import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import QRCode from 'qrcode';
import type { ApplicantLink, PeerDeliveryView, ReviewRecordingView, ReviewSessionView } from '@tongban/shared/review/session';
import { DECISION_LABELS, REVIEW_STATUS_LABELS } from '@tongban/shared/review/session';
import { can, type Action } from '@tongban/shared/cases/access';
import type { CasePanelProps } from '../panelProps';
import { useCaseChanges } from '../../api/caseChanges';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card } from '../../ui';
import { reviewApi } from './reviewApi';
import { formatWait, peerRoleLabel } from './format';

const POLL_MS = 4000;

/**
 * 视频会审 panel on the case detail page: the clerk requests a co-review and shows the applicant's
 * one-time QR link; a reviewer of the handling office accepts it; both join the call from here.
 */
export default function ReviewPanel({ caseView, allowedActions, canSeeFiles, onChanged }: CasePanelProps) {
  const { t, errorText, lang } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [session, setSession] = useState<ReviewSessionView | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<(ApplicantLink & { qr: string }) | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await reviewApi.forCase(caseView.id);
      setSession(r.session);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoaded(true);
    }
  }, [caseView.id]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);
  // The request's delivery to a peer site changes without anyone here acting: pushed as a case change.
  useCaseChanges(caseView.id, (e) => {
    if (!e || e.kinds.includes('review')) void load();
  });

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await load();
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const open = session && (session.status === 'waiting' || session.status === 'active') ? session : null;
  const may = (action: Action) => !!user && can(user, action, caseView);
  // A case still in review (its last session cancelled) gets a new session without a transition.
  const canRequest = !open && (allowedActions.includes('request_review') || (caseView.state === 'in_review' && may('review.request')));
  const canAccept = open?.status === 'waiting' && may('review.accept');
  const canJoin = open?.status === 'active' && may('call.join');

  const showLink = (sessionId: string) =>
    act(async () => {
      const l = await reviewApi.applicantLink(sessionId);
      const qr = await QRCode.toDataURL(l.url, { margin: 1, width: 240 });
      setLink({ ...l, qr });
    });

  return (
    <Card title={t('视频会审', 'Live video review')}>
      {!loaded && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
      {error !== null && <Alert tone="block">{errorText(error)}</Alert>}
      {session && (
        <p data-testid="review-status">
          <Badge tone={session.status === 'active' ? 'ok' : session.status === 'waiting' ? 'warn' : 'info'}>
            {lang === 'zh' ? REVIEW_STATUS_LABELS[session.status].zh : REVIEW_STATUS_LABELS[session.status].en}
          </Badge>{' '}
          {session.status === 'waiting' &&
            t(`已等待 ${formatWait(session.waitingSeconds, 'zh')}`, `waiting ${formatWait(session.waitingSeconds, 'en')}`)}
          {session.status === 'waiting' && session.peer && <PeerDelivery peer={session.peer} />}
          {session.decision && (
            <strong data-testid="review-decision">
              {' '}
              {t('审查结论：', 'Decision: ')}
              {lang === 'zh' ? DECISION_LABELS[session.decision.outcome].zh : DECISION_LABELS[session.decision.outcome].en}
            </strong>
          )}
        </p>
      )}
      <div className="card-actions">
        {canRequest && (
          <Button variant="primary" busy={busy} onClick={() => void act(() => reviewApi.request(caseView.id))}>
            {t('申请视频会审', 'Request video review')}
          </Button>
        )}
        {canAccept && open && (
          <Button
            variant="primary"
            busy={busy}
            onClick={() =>
              void act(async () => {
                await reviewApi.accept(open.id);
                void navigate(`/call/${open.id}`);
              })
            }
          >
            {t('接入会审', 'Accept and join')}
          </Button>
        )}
        {canJoin && open && (
          <Link className="btn btn-primary" to={`/call/${open.id}`}>
            {t('进入视频会审', 'Join the video review')}
          </Link>
        )}
        {open && may('review.applicantLink') && (
          <Button busy={busy} onClick={() => void showLink(open.id)}>
            {t('申请人手机入会二维码', 'QR code for the applicant’s phone')}
          </Button>
        )}
        {open?.status === 'waiting' && may('review.cancel') && (
          <Button variant="ghost" busy={busy} onClick={() => void act(() => reviewApi.cancel(open.id))}>
            {t('取消申请', 'Cancel request')}
          </Button>
        )}
      </div>
      {session && session.recordings.length > 0 && canSeeFiles && <Recordings session={session} />}
      {link && (
        <div className="review-qr" data-testid="applicant-link">
          <img src={link.qr} alt={t('申请人入会二维码', 'QR code for the applicant to join')} width={240} height={240} />
          <p>
            {t(
              '请申请人用手机扫码加入（15 分钟内有效，仅可使用一次）：',
              'Ask the applicant to scan this with a phone (valid 15 minutes, once):',
            )}
            <br />
            <code>{link.url}</code>
          </p>
        </div>
      )}
    </Card>
  );
}

/** Where the request to the handling office's site stands, while the clerk waits for its reviewer. */
function PeerDelivery({ peer }: { peer: PeerDeliveryView }) {
  const { t } = useI18n();
  const text =
    peer.state === 'delivered'
      ? t('已送达对方站点，等待审核人员接单', 'Delivered to the peer site; waiting for a reviewer to take it')
      : peer.state === 'retrying'
        ? t(`对方站点暂不可达，正在重试（第 ${peer.attempts} 次）`, `The peer site is unreachable; retrying (attempt ${peer.attempts})`)
        : peer.state === 'failed'
          ? t(
              `对方站点拒收：${peer.lastError?.message_zh ?? ''}`,
              `The peer site refused the request: ${peer.lastError?.message_en || peer.lastError?.message_zh || ''}`,
            )
          : t('正在发送至对方站点…', 'Sending to the peer site…');
  return (
    <span data-testid="review-peer-delivery" data-state={peer.state} role="status">
      {' · '}
      {peer.state === 'failed' ? <strong>{text}</strong> : text}
      {peer.state === 'failed' && peer.lastError && <span className="mono"> ({peer.lastError.code})</span>}
    </span>
  );
}

const SOURCE_TEXT: Record<ReviewRecordingView['source'], [string, string]> = {
  camera: ['摄像头', 'camera'],
  document: ['高拍仪', 'document camera'],
};

/** The session's recordings (made with the applicant's consent): download links once stored. */
function Recordings({ session }: { session: ReviewSessionView }) {
  const { t, lang } = useI18n();
  return (
    <div data-testid="review-recordings">
      <h3>{t('会审录像', 'Recordings')}</h3>
      <ul>
        {session.recordings.map((r) => {
          const what = `${peerRoleLabel(r.role, lang)} · ${t(...SOURCE_TEXT[r.source])}`;
          return (
            <li key={r.id}>
              {r.status === 'stored' ? (
                <a href={reviewApi.recordingUrl(session.id, r.id)} download>
                  {t(`下载录像：${what}（${r.durationSeconds ?? 0} 秒）`, `Download recording: ${what} (${r.durationSeconds ?? 0} s)`)}
                </a>
              ) : r.status === 'recording' ? (
                t(`${what}：录像中`, `${what}: recording`)
              ) : (
                t(`${what}：录像失败`, `${what}: recording failed`)
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
