import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { ReviewQueueEntry } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Alert, Card } from '../../ui';
import { formatWait } from './format';
import { openRtcSocket, rtcRequest } from './rtc/signalling';

/**
 * 待接入的视频会审: the handling office's live queue of co-review requests, longest waiting first,
 * pushed over /rtc as requests arrive, are accepted or cancelled. For the reviewer's queue page.
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
            <li key={e.sessionId}>
              <Link to={`/cases/${e.caseId}`}>{e.caseNo}</Link> · {e.itemName} · {e.applicantName} ·{' '}
              {t(`已等待 ${formatWait(waited(e), 'zh')}`, `waiting ${formatWait(waited(e), lang)}`)}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
