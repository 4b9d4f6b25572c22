import { useI18n } from '../i18n';
import { Button } from './Button';

/**
 * 上一页 / 下一页 under a paged list, with where the reader is ("第 2 / 13 页，共 250 件"). Large
 * buttons and words rather than page-number links: easier to hit and to read aloud.
 */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  busy = false,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  busy?: boolean;
}) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1) return null;
  return (
    <nav className="pager" aria-label={t('翻页', 'Pages')}>
      <Button onClick={() => onPage(page - 1)} disabled={page <= 1 || busy}>
        {t('‹ 上一页', '‹ Previous')}
      </Button>
      <span className="pager-where" aria-live="polite">
        {t(`第 ${page} / ${pages} 页，共 ${total} 件`, `Page ${page} of ${pages}, ${total} cases`)}
      </span>
      <Button onClick={() => onPage(page + 1)} disabled={page >= pages || busy}>
        {t('下一页 ›', 'Next ›')}
      </Button>
    </nav>
  );
}
