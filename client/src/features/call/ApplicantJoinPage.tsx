import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { ApplicantPass } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Alert, PageHeader } from '../../ui';
import { CallView } from './CallView';
import { DeviceSetup, type DeviceSetupResult } from './DeviceSetup';
import { reviewApi } from './reviewApi';
import { useCall } from './useCall';

const PASS_KEY = 'tongban.applicantPass';

/**
 * /join/:token — the applicant's phone, from the clerk's QR code. The one-time link is redeemed
 * once; the session key it gives is kept for this tab so a reload or a network loss reconnects.
 */
export default function ApplicantJoinPage() {
  const { token = '' } = useParams();
  const { t, errorText } = useI18n();
  const [pass, setPass] = useState<ApplicantPass | null>(() => storedPass(token));
  const [error, setError] = useState<unknown>(null);
  const [media, setMedia] = useState<DeviceSetupResult | null>(null);

  useEffect(() => {
    if (pass) return;
    reviewApi.redeem(token).then((p) => {
      sessionStorage.setItem(PASS_KEY, JSON.stringify({ token, pass: p }));
      setPass(p);
    }, setError);
  }, [token, pass]);

  return (
    <main className="applicant-page">
      <PageHeader
        title={t('视频会审', 'Video co-review')}
        subtitle={pass ? t(`办件编号 ${pass.caseNo}`, `Case ${pass.caseNo}`) : undefined}
      />
      {error !== null && <Alert tone="block">{errorText(error)}</Alert>}
      {pass && !media && (
        <>
          <p className="applicant-hint">
            {t(
              '请允许使用摄像头和麦克风，确认能看到自己的画面后，点击“进入视频”。',
              'Allow the camera and microphone; when you see yourself, press “Join”.',
            )}
          </p>
          <DeviceSetup onJoin={setMedia} allowDocumentCamera={false} joinLabel={t('进入视频', 'Join')} showCheckLink={false} />
        </>
      )}
      {pass && media && <ApplicantCall pass={pass} media={media} />}
    </main>
  );
}

function ApplicantCall({ pass, media }: { pass: ApplicantPass; media: DeviceSetupResult }) {
  const { t } = useI18n();
  const call = useCall({ sessionId: pass.sessionId, token: pass.key, local: media.stream });
  const [left, setLeft] = useState(false);
  if (left)
    return (
      <Alert tone="info">{t('您已离开视频。如需重新进入，请刷新本页。', 'You left the video. Reload this page to join again.')}</Alert>
    );
  return (
    <CallView
      call={call}
      local={media.stream}
      work={call.session?.liveness && <p className="liveness-prompt">{t(call.session.liveness.textZh, call.session.liveness.textEn)}</p>}
      onLeave={() => {
        void call.client?.leave();
        setLeft(true);
      }}
    />
  );
}

function storedPass(token: string): ApplicantPass | null {
  try {
    const saved = JSON.parse(sessionStorage.getItem(PASS_KEY) ?? 'null') as { token: string; pass: ApplicantPass } | null;
    return saved && saved.token === token && Date.parse(saved.pass.expiresAt) > Date.now() ? saved.pass : null;
  } catch {
    return null;
  }
}
