import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { ApplicantPass, ReviewSessionView } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui';
import { reviewApi } from '../call/reviewApi';
import { PhoneCall } from './PhoneCall';
import { PhoneCameraStep, type Facing } from './PhoneCameraStep';
import { PhoneOutcome } from './PhoneOutcome';
import { PhonePage } from './PhonePage';

const PASS_KEY = 'tongban.applicantPass';

/** What this tab keeps of its link: the session key (a reload reconnects) and, once over, how it ended. */
interface Kept {
  token: string;
  pass: ApplicantPass;
  ended?: ReviewSessionView;
}

type Step = { at: 'camera' } | { at: 'call'; stream: MediaStream; facing: Facing } | { at: 'left' };

/**
 * /join/:token — the applicant's phone, from the clerk's QR code, for someone who may be 70: one
 * thing at a time (camera, then the call with what to do now pinned on top, then the result and
 * what happens next), large text by default, plain words for every problem.
 */
export default function ApplicantJoinPage() {
  const { token = '' } = useParams();
  const { t, errorText } = useI18n();
  const [kept, setKept] = useState<Kept | null>(() => storedPass(token));
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState<Step>({ at: 'camera' });

  useEffect(() => {
    if (kept) return;
    reviewApi.redeem(token).then((pass) => setKept({ token, pass }), setError);
  }, [token, kept]);

  // What this tab holds of its link lives on in sessionStorage, for a reload.
  useEffect(() => {
    if (kept) sessionStorage.setItem(PASS_KEY, JSON.stringify(kept));
  }, [kept]);

  const ended = useCallback((session: ReviewSessionView) => setKept((k) => (k ? { ...k, ended: session } : k)), []);

  return (
    <PhonePage title={t('视频会审', 'Video co-review')}>
      {kept && <p className="phone-case">{t(`办件编号 ${kept.pass.caseNo}`, `Case ${kept.pass.caseNo}`)}</p>}
      {error !== null && (
        <Alert tone="block" title={t('打不开视频', 'The video cannot be opened')}>
          {errorText(error)}
        </Alert>
      )}
      {!kept && error === null && <p className="phone-now-text">{t('正在打开视频…', 'Opening the video…')}</p>}
      {kept?.ended && <PhoneOutcome session={kept.ended} />}
      {kept && !kept.ended && step.at === 'camera' && (
        <PhoneCameraStep onReady={(stream, facing) => setStep({ at: 'call', stream, facing })} />
      )}
      {kept && !kept.ended && step.at === 'call' && (
        <PhoneCall pass={kept.pass} local={step.stream} facing={step.facing} onEnd={ended} onLeave={() => setStep({ at: 'left' })} />
      )}
      {kept && !kept.ended && step.at === 'left' && (
        <Alert tone="info">{t('您已离开视频。如需重新进入，请刷新本页。', 'You left the video. Reload this page to join again.')}</Alert>
      )}
    </PhonePage>
  );
}

function storedPass(token: string): Kept | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(PASS_KEY) ?? 'null') as Kept | null;
    return saved && saved.token === token && (saved.ended || Date.parse(saved.pass.expiresAt) > Date.now()) ? saved : null;
  } catch {
    return null;
  }
}
