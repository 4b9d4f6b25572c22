import type { CaseDetailResponse, MaterialView } from '@tongban/shared';
import { correctionNoticePath, type CorrectionNoticeView } from '@tongban/shared/cases/correctionNotice';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Card } from '../../ui';

/**
 * 补正后复审: in the co-review after the applicant came back, the materials the notice listed —
 * each one's replaced scan beside the new one — so the reviewer looks at what was corrected only
 * (the rest was found in order the first time).
 */
export function CorrectionRound({ detail, contentPath }: { detail: CaseDetailResponse; contentPath: (materialId: string) => string }) {
  const { t, lang } = useI18n();
  const { data } = useApiData<{ notices: CorrectionNoticeView[] }>(correctionNoticePath(detail.case.id));
  const answered = data?.notices.find((n) => !n.withdrawn);
  if (!answered || detail.case.state !== 'in_review') return null;
  const scan = (m: MaterialView) =>
    m.mediaType === 'application/pdf' ? (
      <a href={contentPath(m.id)} target="_blank" rel="noreferrer">
        {m.fileName}
      </a>
    ) : (
      <img src={contentPath(m.id)} alt={m.fileName} className="correction-round-scan" />
    );
  return (
    <Card
      title={t(
        `补正后复审：只需审查第 ${answered.seq} 号通知书列明的材料`,
        `After correction: review only what notice No. ${answered.seq} listed`,
      )}
    >
      {answered.items.map((item) => {
        const now = detail.materials.filter((m) => m.slotCode === item.slotCode);
        const before = detail.replacedMaterials.filter((m) => m.slotCode === item.slotCode);
        return (
          <section key={item.slotCode} className="correction-round-item" aria-label={item.materialName} data-testid="correction-round-item">
            <h3>
              {item.materialName}：{item.reason}
            </h3>
            <div className="grid-2">
              <figure>
                <figcaption>{t('补正前', 'Before')}</figcaption>
                {before.length === 0 ? (
                  <p className="muted">{t('原先未提交', 'Not submitted before')}</p>
                ) : (
                  before.map((m) => <div key={m.id}>{scan(m)}</div>)
                )}
              </figure>
              <figure>
                <figcaption>{t('补正后', 'After')}</figcaption>
                {now.length === 0 ? (
                  <p className="muted">{t('尚未提交', 'Not submitted yet')}</p>
                ) : (
                  now.map((m) => (
                    <div key={m.id}>
                      {scan(m)}
                      <p className="muted">
                        {t(`${formatDateTime(m.uploadedAt, lang)} 收件`, `received ${formatDateTime(m.uploadedAt, lang)}`)}
                      </p>
                    </div>
                  ))
                )}
              </figure>
            </div>
          </section>
        );
      })}
    </Card>
  );
}
