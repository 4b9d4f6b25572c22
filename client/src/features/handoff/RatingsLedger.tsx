import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { can } from '@tongban/shared/cases/access';
import { FOLLOW_UP_BELOW, RATING_LEVELS, ratingLevel, type RatingLedgerRow, type RatingsLedgerView } from '@tongban/shared/handoff/schemas';
import { useApiData } from '../../api/useApiData';
import { useAuth } from '../../auth/AuthContext';
import { CountTable } from '../../components/CountTable';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Stat, TextField, useToast } from '../../ui';
import { handoffApi } from './handoffApi';
import './handoff.css';

/** How many of the newest comments the ledger shows. */
const RECENT_COMMENTS = 8;

/**
 * 好差评 on the supervisor's work ledger: counts per level, the newest comments, and the open
 * follow-ups of low ratings, which the intake office's supervisor closes with a note.
 */
export default function RatingsLedger() {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const { data, error, reload } = useApiData<RatingsLedgerView>(handoffApi.ratingsLedgerPath);
  return (
    <Card title={t('好差评', 'Service ratings')}>
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {data && <RatingsBody data={data} canClose={!!user && can(user, 'rating.followUp')} onClosed={reload} />}
      {!data && error == null && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
    </Card>
  );
}

function RatingsBody({ data, canClose, onClosed }: { data: RatingsLedgerView; canClose: boolean; onClosed: () => void }) {
  const { t } = useI18n();
  const comments = data.ratings.filter((r) => r.comment).slice(0, RECENT_COMMENTS);
  const open = data.ratings.filter((r) => r.followUp?.status === 'open');
  const rate = data.satisfiedRate;
  return (
    <>
      <div className="stat-grid">
        <Stat value={data.total} label={t('评价总数', 'Ratings')} />
        <Stat
          value={rate === null ? '—' : `${Math.round(rate * 100)}%`}
          label={t('满意率（基本满意及以上）', 'Satisfied (fairly or better)')}
        />
        <Stat value={data.openFollowUps} label={t('待回访', 'Open follow-ups')} alarm={data.openFollowUps > 0} />
      </div>
      {data.total === 0 ? (
        <p className="empty">{t('还没有申请人评价', 'No ratings yet')}</p>
      ) : (
        <div className="grid-2">
          <RatingsSubsection title={t('按评价等级', 'By level')}>
            <CountTable
              caption={t('各评价等级的件数', 'Ratings per level')}
              head={[t('评价', 'Rating'), t('件数', 'Count')]}
              rows={RATING_LEVELS.map((l) => ({ key: String(l.level), cells: [t(l.zh, l.en), data.byLevel[String(l.level)] ?? 0] }))}
            />
          </RatingsSubsection>
          <RatingsSubsection title={t('最近的意见', 'Recent comments')}>
            {comments.length === 0 ? (
              <p className="empty">{t('暂无文字意见', 'No comments')}</p>
            ) : (
              <ul className="rating-list">
                {comments.map((r) => (
                  <li key={r.caseId}>
                    <p className="rating-list-comment">“{r.comment}”</p>
                    <RatingFacts r={r} />
                  </li>
                ))}
              </ul>
            )}
          </RatingsSubsection>
        </div>
      )}
      {data.total > 0 && (
        <RatingsSubsection title={t('待回访（不满意评价）', 'Open follow-ups (low ratings)')}>
          {open.length === 0 ? (
            <p className="empty">{t('没有待回访的评价', 'No open follow-ups')}</p>
          ) : (
            <ul className="rating-list">
              {open.map((r) => (
                <li key={r.followUp!.id}>
                  <RatingFacts r={r} />
                  {r.comment && <p className="rating-list-comment">“{r.comment}”</p>}
                  {canClose ? (
                    <CloseFollowUpForm followUpId={r.followUp!.id} caseNo={r.caseNo} onClosed={onClosed} />
                  ) : (
                    <p className="muted">
                      {t('由收件单位主管回访后关闭', 'The intake office’s supervisor closes it after the follow-up call')}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
        </RatingsSubsection>
      )}
    </>
  );
}

function RatingsSubsection({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {children}
    </section>
  );
}

/** Level, case, item, channel and time of one rating. */
function RatingFacts({ r }: { r: RatingLedgerRow }) {
  const { t, lang } = useI18n();
  const level = ratingLevel(r.level);
  return (
    <p className="rating-list-facts">
      <span className={r.level < FOLLOW_UP_BELOW ? 'rating-low' : undefined}>{level ? t(level.zh, level.en) : r.label}</span>
      {' · '}
      <Link className="mono" to={`/cases/${encodeURIComponent(r.caseId)}`}>
        {r.caseNo}
      </Link>
      {' · '}
      {r.itemName}
      {' · '}
      {r.channel === 'phone' ? t('手机评价', 'on a phone') : t('窗口评价', 'at the window')}
      {' · '}
      <time dateTime={r.ratedAt}>{formatDateTime(r.ratedAt, lang)}</time>
    </p>
  );
}

/** The supervisor records how the follow-up went (回访情况) and closes it. */
function CloseFollowUpForm({ followUpId, caseNo, onClosed }: { followUpId: string; caseNo: string; onClosed: () => void }) {
  const { t, errorText } = useI18n();
  const toast = useToast();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="follow-up-close"
      aria-label={t(`关闭办件 ${caseNo} 的回访`, `Close the follow-up of case ${caseNo}`)}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        handoffApi
          .closeFollowUp(followUpId, { note: note.trim() })
          .then(() => {
            toast.show(t(`办件 ${caseNo} 的回访已关闭`, `Follow-up of ${caseNo} closed`));
            onClosed();
          })
          .catch((err: unknown) => setError(errorText(err)))
          .finally(() => setBusy(false));
      }}
    >
      <TextField
        label={t('回访情况', 'Follow-up note')}
        hint={t('例如：已电话回访，致歉并说明原因', 'e.g. Called the applicant, apologised and explained')}
        value={note}
        maxLength={1000}
        required
        error={error ?? undefined}
        onChange={(e) => setNote(e.target.value)}
      />
      <Button type="submit" variant="primary" busy={busy} disabled={!note.trim()}>
        {t('关闭回访', 'Close follow-up')}
      </Button>
    </form>
  );
}
