import { useCallback, useState } from 'react';
import type { CaseView } from '@tongban/shared';
import { can, canSeeFullIdentity } from '@tongban/shared/cases/access';
import { signatureImagePath, signaturePath, type CaseSignatureResponse, type SignatureView } from '@tongban/shared/signature/signature';
import { api, ApiError } from '../../api/client';
import { useApiData } from '../../api/useApiData';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, TextField, useToast } from '../../ui';
import { SignatureFacts } from './SignatureFacts';
import { SignatureSheet } from './SignatureSheet';
import type { PadSignature } from './SignaturePad';

/**
 * 申请人签名 on the case page: the signature in force (and the ones it replaced), and for the
 * intake window 在本机签名 — the declaration and the pad full screen on this device, to hand to
 * the applicant; signing again asks the clerk's reason.
 */
export function SignatureCard({
  caseView,
}: {
  caseView: Pick<CaseView, 'id' | 'state' | 'intakeOfficeId' | 'handlingOfficeId' | 'updatedAt'>;
}) {
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const path = signaturePath(caseView.id);
  const { data, error, reload } = useApiData<CaseSignatureResponse>(`${path}?v=${encodeURIComponent(caseView.updatedAt)}`);
  const [signing, setSigning] = useState(false);
  const [reason, setReason] = useState('');
  const mayOpenImage = user ? canSeeFullIdentity(user, caseView) : false;
  const maySign = Boolean(user && data?.declaration && can(user, 'signature.signAtWindow', caseView));
  const close = useCallback(() => setSigning(false), []);
  const imageUrl = (s: SignatureView) => (mayOpenImage ? signatureImagePath(caseView.id, s.imageSha256) : undefined);

  if (!data) return error ? <Alert tone="block">{errorText(error)}</Alert> : null;
  const current = data.signature;

  const submit = async (drawn: PadSignature) => {
    try {
      await api.post(path, {
        ...drawn,
        declarationSha256: data.declaration!.sha256,
        ...(current ? { replaceReason: reason.trim() } : {}),
      });
    } catch (e) {
      // The day turned (or the case changed) while the sheet was open: the new text is fetched to read again.
      if (e instanceof ApiError && e.code === 'SIGNATURE_DECLARATION_CHANGED') reload();
      throw e;
    }
    toast.show(t('已保存申请人签名', 'The applicant’s signature is saved'));
    setSigning(false);
    setReason('');
    reload();
  };

  return (
    <Card
      title={t('申请人签名', 'Applicant’s signature')}
      actions={
        maySign && (
          <Button variant={current ? 'secondary' : 'primary'} onClick={() => setSigning(true)}>
            {current ? t('在本机重新签名', 'Sign again on this device') : t('在本机签名', 'Sign on this device')}
          </Button>
        )
      }
    >
      {current ? (
        <SignatureFacts signature={current} imageUrl={imageUrl(current)} />
      ) : (
        <p className="muted" data-testid="signature-none">
          {t(
            '申请人尚未签署承诺书。可在视频会审中由申请人在手机上签名，或点“在本机签名”把本设备交给申请人签名。',
            'The applicant has not signed the declaration yet: they sign on their phone in the video co-review, or on this device with “Sign on this device”.',
          )}
        </p>
      )}
      {data.replaced.length > 0 && (
        <details>
          <summary>{t(`被替换的签名（${data.replaced.length}）`, `Replaced signatures (${data.replaced.length})`)}</summary>
          <ul className="signature-replaced">
            {data.replaced.map((r) => (
              <li key={r.imageSha256 + r.signedAt}>
                {t(
                  `${formatDateTime(r.signedAt, lang)} 签署，${formatDateTime(r.replacedAt, lang)} 由${r.replacedByName}替换：${r.replacedReason}`,
                  `Signed ${formatDateTime(r.signedAt, lang)}, replaced ${formatDateTime(r.replacedAt, lang)} by ${r.replacedByName}: ${r.replacedReason}`,
                )}{' '}
                <span className="mono">{r.imageSha256.slice(0, 16)}…</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {signing && (
        <SignatureSheet
          declaration={data.declaration ?? null}
          onSubmit={submit}
          onCancel={close}
          canSubmit={!current || reason.trim() !== ''}
          extra={
            current && (
              <TextField
                label={t('重新签名的原因（必填，由工作人员填写）', 'Why the applicant signs again (required, the clerk fills it in)')}
                value={reason}
                maxLength={500}
                onChange={(e) => setReason(e.target.value)}
              />
            )
          }
        />
      )}
    </Card>
  );
}
