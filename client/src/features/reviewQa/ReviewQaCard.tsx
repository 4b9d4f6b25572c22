import { Link } from 'react-router-dom';
import { DECISION_LABELS } from '@tongban/shared/review/session';
import type { ReviewQaView, ReviewSampleView, SecondOpinionRequest } from '@tongban/shared/reviewQa/reviewQa';
import { api } from '../../api/client';
import { useApiData } from '../../api/useApiData';
import { NoteForm } from '../../components/NoteForm';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Card, Stat } from '../../ui';

const sendOpinion = (sessionId: string, body: SecondOpinionRequest) =>
  api.post<ReviewQaView>(`/api/review-qa/${encodeURIComponent(sessionId)}/opinion`, body);

/**
 * 抽查复核 on the work ledger: the co-reviews drawn for a second opinion (every 不予受理 and a share
 * at random). The supervisor opens the case to watch the recording and read the checklist, then
 * agrees or disagrees with a note.
 */
export default function ReviewQaCard() {
  const { t, errorText } = useI18n();
  const { data, error, reload } = useApiData<ReviewQaView>('/api/review-qa');
  return (
    <Card title={t('视频会审抽查复核', 'Co-review quality sampling')}>
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {data && (
        <>
          <p className="muted">
            {t(
              `随机抽取 ${data.sharePercent}% 的会审结论，不予受理的全部抽查。`,
              `${data.sharePercent}% of decisions drawn at random, and every rejection.`,
            )}
          </p>
          <div className="stat-grid">
            <Stat value={data.figures.sampled} label={t('抽查件数', 'Sampled')} />
            <Stat value={data.figures.pending} label={t('待复核', 'Waiting')} alarm={data.figures.pending > 0} />
            <Stat value={data.figures.agreed} label={t('同意原结论', 'Agreed')} />
            <Stat value={data.figures.disagreed} label={t('不同意原结论', 'Disagreed')} alarm={data.figures.disagreed > 0} />
          </div>
          {data.pending.length === 0 ? (
            <p className="empty">{t('没有待复核的抽查', 'Nothing waiting for a second opinion')}</p>
          ) : (
            <ul className="rating-list" aria-label={t('待复核', 'Waiting')}>
              {data.pending.map((s) => (
                <li key={s.sessionId}>
                  <SampleFacts s={s} />
                  <NoteForm
                    label={t('复核意见（看录像、查清单后的结论）', 'Second opinion (after the recording and the checklist)')}
                    ariaLabel={t(`办件 ${s.caseNo} 的抽查复核`, `Second opinion on ${s.caseNo}`)}
                    actions={[
                      {
                        label: t('同意原结论', 'Agree'),
                        primary: true,
                        send: (note) => sendOpinion(s.sessionId, { agree: true, note }),
                        done: t(`办件 ${s.caseNo} 已复核：同意`, `${s.caseNo}: agreed`),
                      },
                      {
                        label: t('不同意原结论', 'Disagree'),
                        send: (note) => sendOpinion(s.sessionId, { agree: false, note }),
                        done: t(`办件 ${s.caseNo} 已复核：不同意`, `${s.caseNo}: disagreed`),
                      },
                    ]}
                    onDone={reload}
                  />
                </li>
              ))}
            </ul>
          )}
          {data.done.length > 0 && (
            <details>
              <summary>{t(`已复核 ${data.done.length} 件`, `${data.done.length} with a second opinion`)}</summary>
              <ul className="rating-list">
                {data.done.map((s) => (
                  <li key={s.sessionId}>
                    <SampleFacts s={s} />
                    <OpinionFacts s={s} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </Card>
  );
}

function SampleFacts({ s }: { s: ReviewSampleView }) {
  const { t, lang } = useI18n();
  const outcome = DECISION_LABELS[s.outcome];
  return (
    <p className="rating-list-facts">
      <Link className="mono" to={`/cases/${encodeURIComponent(s.caseId)}`}>
        {s.caseNo}
      </Link>
      {' · '}
      {s.itemName}
      {' · '}
      {t(`审核员 ${s.reviewerName ?? '—'}`, `reviewer ${s.reviewerName ?? '—'}`)}
      {' · '}
      {t(outcome.zh, outcome.en)}
      {' · '}
      {s.reason === 'rejection' ? t('不予受理必查', 'every rejection') : t('随机抽取', 'drawn at random')}
      {' · '}
      <time dateTime={s.sampledAt}>{formatDateTime(s.sampledAt, lang)}</time>
    </p>
  );
}

function OpinionFacts({ s }: { s: ReviewSampleView }) {
  const { t, lang } = useI18n();
  const o = s.opinion!;
  return (
    <p className={o.agree ? 'rating-list-comment' : 'rating-list-comment rating-low'}>
      {o.agree ? t('同意', 'Agreed') : t('不同意', 'Disagreed')}：{o.note}（{o.byName}，{formatDateTime(o.at, lang)}）
    </p>
  );
}
