import { useState } from 'react';
import { ANNOTATION_KIND_LABELS, type AnnotationView } from '@tongban/shared/annotations/annotations';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Button, InlineError } from '../../ui';
import './annotations.css';

/**
 * The marks (批注) on one material: page, kind, note, who drew it and when (China time). In the
 * call a desk may take back its own marks, and the reviewer turn one into a 补正 item; on the case
 * page the list only shows them and opens the page of one.
 */
export function AnnotationList({
  marks,
  own,
  onShow,
  onRemove,
  onToCorrection,
  taken,
}: {
  marks: AnnotationView[];
  own?: ReadonlySet<string>;
  onShow?(mark: AnnotationView): void;
  onRemove?(mark: AnnotationView): Promise<void>;
  /** 转为补正事项: prefills an item of the decision from the mark. */
  onToCorrection?(mark: AnnotationView): void;
  /** Marks already made into an item. */
  taken?: ReadonlySet<string>;
}) {
  const { t, lang, errorText } = useI18n();
  const [error, setError] = useState<unknown>(null);
  if (marks.length === 0) return null;
  return (
    <div data-testid="annotation-list">
      <ul className="annotation-list" aria-label={t('批注', 'Marks')}>
        {marks.map((m) => {
          const kind = ANNOTATION_KIND_LABELS[m.kind];
          return (
            <li key={m.id} data-testid="annotation-item" data-annotation-id={m.id}>
              <span>
                <strong>{t(`第 ${m.page} 页 · ${kind.zh}`, `Page ${m.page} · ${kind.en}`)}</strong>
                {m.note && `：${m.note}`}
              </span>
              <span className="muted">
                {m.authorName} · {formatDateTime(m.createdAt, lang)}
              </span>
              {onShow && <Button onClick={() => onShow(m)}>{t('查看', 'Show')}</Button>}
              {onToCorrection && (
                <Button disabled={taken?.has(m.id)} onClick={() => onToCorrection(m)}>
                  {taken?.has(m.id) ? t('已列入补正', 'In the correction list') : t('转为补正事项', 'Make a correction item')}
                </Button>
              )}
              {onRemove && own?.has(m.id) && (
                <Button
                  onClick={() => {
                    setError(null);
                    onRemove(m).catch(setError);
                  }}
                >
                  {t('删除批注', 'Remove mark')}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      {error !== null && <InlineError>{errorText(error)}</InlineError>}
    </div>
  );
}
