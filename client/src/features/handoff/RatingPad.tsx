import { useState } from 'react';
import { RATING_LEVELS, type RatingRequest } from '@tongban/shared/handoff/schemas';
import { RATING_INDICATORS, type RatingIndicator, type RatingIndicators } from '@tongban/shared/handoff/ratingRules';
import { useI18n } from '../../i18n';
import { Button } from '../../ui';
import './handoff.css';

/**
 * 好差评 pad: five large buttons, best first, and an optional comment. Used on the window screen
 * (the clerk turns it to the applicant) and on the applicant's phone page.
 */
export function RatingPad({ onSubmit }: { onSubmit: (r: RatingRequest) => Promise<void> }) {
  const { t, errorText } = useI18n();
  const [level, setLevel] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [indicators, setIndicators] = useState<RatingIndicators>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="rating-pad"
      onSubmit={(e) => {
        e.preventDefault();
        if (level === null) return;
        setBusy(true);
        setError(null);
        onSubmit({
          level,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          ...(Object.keys(indicators).length > 0 ? { indicators } : {}),
        })
          .catch((err: unknown) => setError(errorText(err)))
          .finally(() => setBusy(false));
      }}
    >
      <fieldset>
        <legend>{t('请您对本次服务进行评价', 'Please rate this service')}</legend>
        <div className="rating-levels" role="radiogroup">
          {RATING_LEVELS.map((l) => (
            <button
              key={l.level}
              type="button"
              role="radio"
              aria-checked={level === l.level}
              className={`rating-level rating-level-${l.level}${level === l.level ? ' selected' : ''}`}
              onClick={() => setLevel(l.level)}
            >
              {t(l.zh, l.en)}
            </button>
          ))}
        </div>
      </fieldset>
      <details className="rating-indicators">
        <summary>{t('分项评价（可不填）', 'Rate each part (optional)')}</summary>
        {RATING_INDICATORS.map((i) => (
          <label key={i.code} className="rating-comment">
            {t(i.zh, i.en)}
            <select
              className="input"
              value={indicators[i.code] ?? ''}
              onChange={(e) => {
                const v = e.target.value;
                setIndicators(({ [i.code as RatingIndicator]: _, ...rest }) => (v ? { ...rest, [i.code]: Number(v) } : rest));
              }}
            >
              <option value="">{t('不评', 'Skip')}</option>
              {RATING_LEVELS.map((l) => (
                <option key={l.level} value={l.level}>
                  {l.level} — {t(l.zh, l.en)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </details>
      <label className="rating-comment">
        {t('意见或建议（可不填）', 'Comment (optional)')}
        <textarea value={comment} maxLength={500} rows={3} onChange={(e) => setComment(e.target.value)} />
      </label>
      {error && (
        <p role="alert" className="rating-error">
          {error}
        </p>
      )}
      <Button variant="primary" type="submit" disabled={level === null} busy={busy}>
        {t('提交评价', 'Submit rating')}
      </Button>
    </form>
  );
}
