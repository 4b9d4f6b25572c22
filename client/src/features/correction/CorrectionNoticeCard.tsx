import { correctionNoticePath, type CorrectionNoticeView } from '@tongban/shared/cases/correctionNotice';
import type { CaseView, MaterialView } from '@tongban/shared';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Card } from '../../ui';

/**
 * 补正材料通知书 on the case page, from the 补正 decision on: the notice in force with its items
 * and the date to bring them by, the button to print it for the applicant, and earlier notices
 * with why they were withdrawn.
 */
export function CorrectionNoticeCard({
  caseView,
  materials,
}: {
  caseView: Pick<CaseView, 'id' | 'state' | 'updatedAt'>;
  /** The case's current scans: an item is answered once its material has a scan newer than the notice. */
  materials: readonly MaterialView[];
}) {
  const { t, lang, errorText } = useI18n();
  const path = correctionNoticePath(caseView.id);
  const data = useApiData<{ notices: CorrectionNoticeView[] }>(`${path}?v=${encodeURIComponent(caseView.updatedAt)}`);
  const notices = data.data?.notices ?? [];
  if (notices.length === 0 && !data.error) return null;
  const [latest, ...earlier] = notices;
  const inForce = latest && !latest.withdrawn && caseView.state === 'needs_correction' ? latest : undefined;
  return (
    <Card title={t('补正材料通知书（一次性告知）', 'Correction notice (everything at once)')}>
      {data.error !== undefined && <Alert tone="block">{errorText(data.error)}</Alert>}
      {inForce && (
        <div data-testid="correction-notice">
          <p>
            {t(
              `第 ${inForce.seq} 号，${inForce.issuedByName}于 ${formatDateTime(inForce.issuedAt, lang)} 出具；请申请人于 ${inForce.resubmitBy} 前补正：`,
              `No. ${inForce.seq}, issued by ${inForce.issuedByName} on ${formatDateTime(inForce.issuedAt, lang)}; to be corrected by ${inForce.resubmitBy}:`,
            )}
          </p>
          <ol>
            {inForce.items.map((i) => {
              const received = materials.some((m) => m.slotCode === i.slotCode && m.uploadedAt > inForce.issuedAt);
              return (
                <li key={i.slotCode} data-testid="correction-notice-item">
                  <strong>{i.materialName}</strong>：{i.reason}{' '}
                  <Badge tone={received ? 'ok' : 'warn'}>
                    {received
                      ? t('✓ 已收到补正材料', '✓ corrected scan received')
                      : t('待补正：请在下方“材料”中重新扫描', 'to correct: rescan it under Materials below')}
                  </Badge>
                </li>
              );
            })}
          </ol>
          {inForce.note && <p>{inForce.note}</p>}
          <a className="btn btn-primary" href={`${path}.pdf`} target="_blank" rel="noreferrer">
            {t('打印补正材料通知书', 'Print the correction notice')}
          </a>
        </div>
      )}
      {!inForce && latest && (
        <p className="muted">
          {t(`第 ${latest.seq} 号通知书已答复（申请人已补正）。`, `Notice No. ${latest.seq} has been answered (materials corrected).`)}
        </p>
      )}
      {earlier.filter((n) => n.withdrawn).length > 0 && (
        <details>
          <summary>{t('已撤回的通知书', 'Withdrawn notices')}</summary>
          <ul>
            {earlier
              .filter((n) => n.withdrawn)
              .map((n) => (
                <li key={n.id}>
                  {t(
                    `第 ${n.seq} 号：${n.withdrawn!.byName}于 ${formatDateTime(n.withdrawn!.at, lang)} 撤回，原因：${n.withdrawn!.reason}`,
                    `No. ${n.seq}: withdrawn by ${n.withdrawn!.byName} on ${formatDateTime(n.withdrawn!.at, lang)} — ${n.withdrawn!.reason}`,
                  )}
                </li>
              ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
