import { useState } from 'react';
import type { ConsentRequest } from '@tongban/shared/review/checklist';
import { useI18n } from '../../i18n';
import { Button } from '../../ui';
import { STEP_FOR_APPLICANT, type PhoneNow } from './phoneSteps';

/**
 * The one thing to do now, pinned at the top of the phone's screen while the video runs under it:
 * wait, answer the consent question, show the card / face / follow the prompt, sign the declaration,
 * or wait for the result.
 */
export function PhoneNowCard({
  now,
  onConsent,
  onSign,
}: {
  now: PhoneNow;
  onConsent(answer: ConsentRequest): Promise<void>;
  /** Opens the declaration and the signature pad, full screen. */
  onSign(): void;
}) {
  const { t, errorText } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const answer = async (a: ConsentRequest) => {
    setBusy(true);
    setError(null);
    try {
      await onConsent(a);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="phone-now" role="region" aria-live="polite" aria-label={t('现在要做的事', 'What to do now')} data-testid="phone-now">
      {now.kind === 'waiting' && (
        <p className="phone-now-text">{t('请稍候，审核员马上进入视频。', 'Please wait: the reviewer is joining.')}</p>
      )}
      {now.kind === 'consent' && (
        <>
          <p className="phone-now-text">
            {now.recordingOffered
              ? t(
                  '为留存证据，本次视频可能录像和截图。您同意吗？',
                  'To keep evidence, this video may be recorded and pictures taken. Do you agree?',
                )
              : t(
                  '为留存证据，审核员可能截取画面。您同意吗？',
                  'To keep evidence, the reviewer may take pictures of the video. Do you agree?',
                )}
          </p>
          <div className="phone-actions">
            {now.recordingOffered && (
              <Button variant="primary" busy={busy} onClick={() => void answer({ recordingAllowed: true, snapshotsAllowed: true })}>
                {t('同意录像和截图', 'Yes, recording and pictures')}
              </Button>
            )}
            <Button
              variant={now.recordingOffered ? 'secondary' : 'primary'}
              busy={busy}
              onClick={() => void answer({ recordingAllowed: false, snapshotsAllowed: true })}
            >
              {now.recordingOffered ? t('只同意截图', 'Pictures only') : t('同意截图', 'Yes, pictures')}
            </Button>
            <Button busy={busy} onClick={() => void answer({ recordingAllowed: false, snapshotsAllowed: false })}>
              {t('都不同意，只做视频核验', 'No, only the video check')}
            </Button>
          </div>
          {error !== null && (
            <p className="field-error" role="alert">
              {errorText(error)}
            </p>
          )}
        </>
      )}
      {now.kind === 'show' && (
        <>
          {now.prompt ? (
            <p className="phone-now-text phone-prompt" data-testid="phone-prompt">
              {t(`请照着做：${now.prompt.zh}`, `Please do this: ${now.prompt.en}`)}
            </p>
          ) : (
            <p className="phone-now-text">{t(STEP_FOR_APPLICANT[now.step].zh, STEP_FOR_APPLICANT[now.step].en)}</p>
          )}
          {STEP_FOR_APPLICANT[now.step].card && (
            <p className="phone-now-hint">
              {t('看不清时，可以点下面的“换成后面的摄像头”。', 'If it is hard to see, tap “Back camera” below.')}
            </p>
          )}
        </>
      )}
      {now.kind === 'sign' && (
        <>
          <p className="phone-now-text">
            {t(
              '核验完成。请阅读《申请人承诺》，并在手机上签名。',
              'Checks done. Please read the applicant’s declaration and sign it on your phone.',
            )}
          </p>
          <div className="phone-actions">
            <Button variant="primary" onClick={onSign}>
              {t('阅读并签名', 'Read and sign')}
            </Button>
          </div>
        </>
      )}
      {now.kind === 'checking' && (
        <p className="phone-now-text">
          {t('核验完成。审核员正在作出结论，请稍候，不要离开。', 'Checks done. The reviewer is deciding — please stay.')}
        </p>
      )}
    </div>
  );
}
