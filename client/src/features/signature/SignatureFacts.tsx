import './signature.css';
import { SIGNATURE_CHANNEL_LABELS, type SignatureView } from '@tongban/shared/signature/signature';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Badge } from '../../ui';

/** How much of a hash is shown: enough to match it against the receipt and the bag by eye. */
const SHORT = 16;

/**
 * One signature as staff read it (the case page, the call): the image when this page may open it,
 * who signed, when (China time), where, the short hashes of the image and the text, and the text itself.
 */
export function SignatureFacts({ signature: s, imageUrl }: { signature: SignatureView; imageUrl?: string | undefined }) {
  const { t, lang } = useI18n();
  const where = SIGNATURE_CHANNEL_LABELS[s.channel];
  return (
    <div className="signature-facts" data-testid="signature-facts">
      {s.purged ? (
        <p className="muted">
          {t(
            '签名图像已按保存期限删除，哈希值仍在记录中。',
            'The image was deleted at the end of the retention period; its hash stays on record.',
          )}
        </p>
      ) : (
        imageUrl && (
          <img
            className="signature-image"
            src={imageUrl}
            alt={t(`${s.signerName}的签名`, `Signature of ${s.signerName}`)}
            data-testid="signature-image"
          />
        )
      )}
      <dl className="signature-dl">
        <dt>{t('签名人', 'Signed by')}</dt>
        <dd>
          {s.signerName} <Badge tone="ok">{t(where.zh, where.en)}</Badge>
        </dd>
        <dt>{t('签署时间', 'Signed at')}</dt>
        <dd>{formatDateTime(s.signedAt, lang)}</dd>
        {s.witnessedByName && (
          <>
            <dt>{t('窗口经办人', 'Window clerk')}</dt>
            <dd>{s.witnessedByName}</dd>
          </>
        )}
        <dt>{t('签名图像 SHA-256', 'Image SHA-256')}</dt>
        <dd className="mono" data-testid="signature-image-sha" title={s.imageSha256}>
          {s.imageSha256.slice(0, SHORT)}…
        </dd>
        <dt>{t('承诺文本 SHA-256', 'Text SHA-256')}</dt>
        <dd className="mono" title={s.textSha256}>
          {s.textSha256.slice(0, SHORT)}…
        </dd>
        {s.replacesReason && (
          <>
            <dt>{t('重新签名原因', 'Why signed again')}</dt>
            <dd>{s.replacesReason}</dd>
          </>
        )}
      </dl>
      <details>
        <summary>{t('查看所签承诺书全文', 'The declaration as signed')}</summary>
        <div className="signature-text" lang="zh">
          {s.text.split('\n').map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
      </details>
    </div>
  );
}
