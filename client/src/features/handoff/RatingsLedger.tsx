import { useId, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { can } from '@tongban/shared/cases/access';
import { FOLLOW_UP_BELOW, RATING_LEVELS, ratingLevel, type RatingLedgerRow, type RatingsLedgerView } from '@tongban/shared/handoff/schemas';
import { RATING_INDICATORS } from '@tongban/shared/handoff/ratingRules';
import { useApiData } from '../../api/useApiData';
import { useAuth } from '../../auth/AuthContext';
import { CountTable } from '../../components/CountTable';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Card, Stat } from '../../ui';
import { NoteForm } from '../../components/NoteForm';
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
      {data && (
        <RatingsBody
          data={data}
          canClose={!!user && can(user, 'rating.followUp')}
          canAppeal={!!user && can(user, 'rating.appeal')}
          onClosed={reload}
        />
      )}
      {!data && error == null && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
    </Card>
  );
}

function RatingsBody({
  data,
  canClose,
  canAppeal,
  onClosed,
}: {
  data: RatingsLedgerView;
  canClose: boolean;
  canAppeal: boolean;
  onClosed: () => void;
}) {
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
        <Stat value={data.openFollowUps} label={t('待回访整改', 'Open follow-ups')} alarm={data.openFollowUps > 0} />
        <Stat value={data.overdueFollowUps} label={t('回访或整改超期', 'Follow-ups overdue')} alarm={data.overdueFollowUps > 0} />
        <Stat value={data.defaults} label={t('逾期未评默认满意', 'Default ratings (not rated in time)')} />
        <Stat value={data.removedOnAppeal} label={t('申诉复核后不计入', 'Removed on appeal')} />
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
            <CountTable
              caption={t('分项评价（1–5 分）', 'Ratings per indicator (1–5)')}
              head={[t('评价指标', 'Indicator'), t('评价人数', 'Rated by'), t('平均分', 'Average')]}
              rows={RATING_INDICATORS.map((i) => {
                const v = data.byIndicator[i.code];
                return { key: i.code, cells: [t(i.zh, i.en), v.count, v.average === null ? '—' : v.average.toFixed(1)] };
              })}
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
        <RatingsSubsection title={t('待回访与整改（不满意评价）', 'Follow-ups of low ratings: call-back and rectification')}>
          {open.length === 0 ? (
            <p className="empty">{t('没有待回访的评价', 'No open follow-ups')}</p>
          ) : (
            <ul className="rating-list">
              {open.map((r) => (
                <li key={r.followUp!.id}>
                  <RatingFacts r={r} />
                  {r.comment && <p className="rating-list-comment">“{r.comment}”</p>}
                  <FollowUpDates f={r.followUp!} />
                  {canClose ? (
                    <FollowUpForm r={r} onDone={onClosed} />
                  ) : (
                    <p className="muted">
                      {t('由收件单位主管回访后关闭', 'The intake office’s supervisor closes it after the follow-up call')}
                    </p>
                  )}
                  {canAppeal && !r.appeal && (
                    <NoteForm
                      label={t('申诉理由（误评、恶意差评的依据）', 'Why this rating is mistaken or malicious')}
                      ariaLabel={t(`办件 ${r.caseNo} 的评价申诉`, `Appeal against the rating of ${r.caseNo}`)}
                      actions={[
                        {
                          label: t('提出申诉复核', 'Appeal'),
                          send: (reason) => handoffApi.appealRating(r.caseId, { reason }),
                          done: t(`已就办件 ${r.caseNo} 的评价提出申诉`, `Appeal filed for ${r.caseNo}`),
                        },
                      ]}
                      onDone={onClosed}
                    />
                  )}
                  {r.appeal && <AppealFacts a={r.appeal} />}
                </li>
              ))}
            </ul>
          )}
        </RatingsSubsection>
      )}
      {data.appealsToDecide.length > 0 && (
        <RatingsSubsection title={t('待本单位复核的评价申诉', 'Appeals for this office to decide')}>
          <ul className="rating-list">
            {data.appealsToDecide.map((r) => (
              <li key={r.caseId}>
                <RatingFacts r={r} />
                {r.comment && <p className="rating-list-comment">“{r.comment}”</p>}
                <AppealFacts a={r.appeal!} />
                <NoteForm
                  label={t('复核意见', 'Decision and reason')}
                  ariaLabel={t(`办件 ${r.caseNo} 的申诉复核`, `Appeal decision for ${r.caseNo}`)}
                  actions={[
                    {
                      label: t('支持申诉，该评价不计入统计', 'Approve: the rating no longer counts'),
                      send: (reason) => handoffApi.decideAppeal(r.caseId, { approve: true, reason }),
                      done: t('申诉已支持', 'Appeal approved'),
                    },
                    {
                      label: t('不予支持', 'Reject'),
                      send: (reason) => handoffApi.decideAppeal(r.caseId, { approve: false, reason }),
                      done: t('申诉不予支持', 'Appeal rejected'),
                    },
                  ]}
                  onDone={onClosed}
                />
              </li>
            ))}
          </ul>
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

/** The next step of a low rating's follow-up: the call-back (回访) first, then the rectification (整改) that closes it. */
function FollowUpForm({ r, onDone }: { r: RatingLedgerRow; onDone: () => void }) {
  const { t } = useI18n();
  const f = r.followUp!;
  return f.calledBackAt ? (
    <NoteForm
      label={t('整改情况', 'Rectification')}
      hint={t('写明已整改的问题和措施', 'What was put right, and how')}
      ariaLabel={t(`办件 ${r.caseNo} 的整改`, `Rectification of ${r.caseNo}`)}
      actions={[
        {
          label: t('整改完成，关闭', 'Rectified: close'),
          primary: true,
          send: (note) => handoffApi.closeFollowUp(f.id, { note }),
          done: t(`办件 ${r.caseNo} 的差评整改已完成`, `Follow-up of ${r.caseNo} closed`),
        },
      ]}
      onDone={onDone}
    />
  ) : (
    <NoteForm
      label={t('回访情况', 'Call-back note')}
      hint={t('例如：已电话回访，致歉并说明原因', 'e.g. Called the applicant, apologised and explained')}
      ariaLabel={t(`办件 ${r.caseNo} 的回访`, `Call-back of ${r.caseNo}`)}
      actions={[
        {
          label: t('记录回访', 'Record the call-back'),
          primary: true,
          send: (note) => handoffApi.recordCallback(f.id, { note }),
          done: t(`办件 ${r.caseNo} 已回访`, `Call-back of ${r.caseNo} recorded`),
        },
      ]}
      onDone={onDone}
    />
  );
}

/** When the call-back and the rectification are due, and which is late. */
function FollowUpDates({ f }: { f: NonNullable<RatingLedgerRow['followUp']> }) {
  const { t, lang } = useI18n();
  return (
    <p className="rating-list-facts">
      {f.calledBackAt
        ? t(
            `已于 ${formatDateTime(f.calledBackAt, lang)} 回访：${f.callbackNote ?? ''}`,
            `Called back ${formatDateTime(f.calledBackAt, lang)}: ${f.callbackNote ?? ''}`,
          )
        : t(`回访期限 ${f.callbackDue ?? '—'}`, `Call back by ${f.callbackDue ?? '—'}`)}
      {' · '}
      {t(`整改期限 ${f.rectifyDue ?? '—'}`, `Rectify by ${f.rectifyDue ?? '—'}`)}
      {f.overdue && (
        <>
          {' · '}
          <span className="rating-low">
            {f.overdue === 'callback' ? t('回访已超期', 'Call-back overdue') : t('整改已超期', 'Rectification overdue')}
          </span>
        </>
      )}
    </p>
  );
}

function AppealFacts({ a }: { a: NonNullable<RatingLedgerRow['appeal']> }) {
  const { t } = useI18n();
  const status =
    a.status === 'pending'
      ? t('申诉复核中', 'Appeal pending')
      : a.status === 'approved'
        ? t('申诉已支持，不计入统计', 'Appeal approved: not counted')
        : t('申诉不予支持', 'Appeal rejected');
  return (
    <p className="rating-list-facts">
      {status}
      {' · '}
      {t(`${a.filedByName}申诉：${a.reason}`, `${a.filedByName} appealed: ${a.reason}`)}
      {a.decidedByName && (
        <>
          {' · '}
          {t(`${a.decidedByName}复核：${a.decisionReason ?? ''}`, `${a.decidedByName} decided: ${a.decisionReason ?? ''}`)}
        </>
      )}
    </p>
  );
}
