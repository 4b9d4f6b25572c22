import type { ReviewSessionView } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui';
import { outcomeWords } from './phoneSteps';

/** The end of the call on the phone: the decision in plain words and what happens next. */
export function PhoneOutcome({ session }: { session: ReviewSessionView }) {
  const { t } = useI18n();
  if (!session.decision)
    return (
      <Alert tone="info" title={t('本次视频会审已结束', 'This video co-review has ended')}>
        {t('请听从窗口工作人员的安排。', 'Please follow the window clerk’s guidance.')}
      </Alert>
    );
  const w = outcomeWords(session.decision);
  const tone = session.decision.outcome === 'accept' ? 'ok' : session.decision.outcome === 'reject' ? 'block' : 'warn';
  return (
    <section className="phone-outcome" data-testid="phone-outcome" aria-live="polite">
      <Alert tone={tone} title={t(w.title.zh, w.title.en)}>
        {w.details.length > 0 && (
          <ul>
            {w.details.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        )}
      </Alert>
      <h2>{t('下一步', 'What happens next')}</h2>
      <p className="phone-now-text">{t(w.next.zh, w.next.en)}</p>
      <p>{t('视频已结束，可以关闭本页。', 'The video has ended; you may close this page.')}</p>
    </section>
  );
}
