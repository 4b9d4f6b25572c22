import { ENVELOPE_STATUS_LABELS, type EnvelopeView } from '@tongban/shared/handoff/schemas';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Badge, type Tone } from '../../ui';

const TONES: Record<EnvelopeView['status'], Tone> = { pending: 'warn', mailed: 'info', received: 'ok' };

/** The paper envelope as both sites show it: 待寄出, 已寄出 (courier, waybill) or 已签收 (when, by whom). */
export function EnvelopeFacts({ envelope: e }: { envelope: EnvelopeView }) {
  const { t, lang } = useI18n();
  const label = ENVELOPE_STATUS_LABELS[e.status];
  return (
    <dl className="handoff-facts">
      <dt>{t('纸质原件', 'Paper originals')}</dt>
      <dd>
        <Badge tone={TONES[e.status]}>{t(label.zh, label.en)}</Badge>
      </dd>
      {e.courierCompany && e.waybillNo && (
        <>
          <dt>{t('寄递', 'Courier')}</dt>
          <dd>
            {e.courierCompany} {e.waybillNo}
            {e.mailedAt && t(`，${formatDateTime(e.mailedAt, lang)} 寄出`, `, mailed ${formatDateTime(e.mailedAt, lang)}`)}
          </dd>
        </>
      )}
      {e.receivedAt && (
        <>
          <dt>{t('签收', 'Received')}</dt>
          <dd>
            {formatDateTime(e.receivedAt, lang)}
            {e.receivedBy && ` ${e.receivedBy}`}
          </dd>
        </>
      )}
    </dl>
  );
}
