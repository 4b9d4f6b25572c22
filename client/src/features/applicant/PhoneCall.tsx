import { useEffect, useState } from 'react';
import type { ApplicantPass, ReviewSessionView } from '@tongban/shared/review/session';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button } from '../../ui';
import { TrackMedia } from '../call/CallView';
import { openCamera } from '../call/devices';
import { useCall } from '../call/useCall';
import type { Facing } from './PhoneCameraStep';
import { PhoneNowCard } from './PhoneNowCard';
import { PhoneSignature } from './PhoneSignature';
import { phoneNow } from './phoneSteps';

/**
 * Step 2 on the phone: in the call. What to do now stays pinned at the top of the screen; the
 * reviewer's picture under it; the applicant's own picture small; three large buttons. When the
 * session is decided or cancelled the call ends and `onEnd` gets the last view.
 */
export function PhoneCall({
  pass,
  local,
  facing: initialFacing,
  onEnd,
  onLeave,
}: {
  pass: ApplicantPass;
  local: MediaStream;
  facing: Facing;
  /** The session was decided or cancelled: its last view. */
  onEnd(session: ReviewSessionView): void;
  onLeave(): void;
}) {
  const { t, errorText } = useI18n();
  const call = useCall({ sessionId: pass.sessionId, token: pass.key, local });
  const [micOn, setMicOn] = useState(true);
  const [facing, setFacing] = useState(initialFacing);
  const [ownVideo, setOwnVideo] = useState(() => local.getVideoTracks()[0] ?? null);
  const [switchError, setSwitchError] = useState<unknown>(null);
  const [signing, setSigning] = useState(false);
  const now = phoneNow(call.session);

  useEffect(() => {
    if (now.kind !== 'decided' && now.kind !== 'cancelled') return;
    void call.client?.leave();
    if (call.session) onEnd(call.session);
  }, [now.kind, call.client, call.session, onEnd]);

  const cameras = call.tracks.filter((x) => x.kind === 'video');
  const roleOf = (peerId: string) => call.peers.find((p) => p.peerId === peerId);
  const reviewerFirst = [...cameras].sort(
    (a, b) => Number(roleOf(b.peerId)?.role === 'reviewer') - Number(roleOf(a.peerId)?.role === 'reviewer'),
  );

  const toggleMic = () => {
    const on = !micOn;
    for (const tr of local.getAudioTracks()) tr.enabled = on;
    setMicOn(on);
    void call.client?.setPaused('microphone', !on);
  };

  // The other camera replaces this one in the same stream and in the call (no rejoin).
  const switchCamera = async () => {
    setSwitchError(null);
    const next: Facing = facing === 'user' ? 'environment' : 'user';
    try {
      const track = await openCamera(next);
      const old = local.getVideoTracks()[0];
      if (old) {
        local.removeTrack(old);
        old.stop();
      }
      local.addTrack(track);
      await call.client?.setLocalTrack('camera', track);
      setFacing(next);
      setOwnVideo(track);
    } catch (e) {
      setSwitchError(e);
    }
  };

  return (
    <section className="phone-call" aria-label={t('视频会审', 'Video co-review')}>
      <PhoneNowCard now={now} onConsent={(answer) => call.client!.answerConsent(answer)} onSign={() => setSigning(true)} />
      {signing && call.client && now.kind === 'sign' && <PhoneSignature client={call.client} onDone={() => setSigning(false)} />}
      {call.session?.recording && (
        <p role="status" data-testid="recording-indicator" className="phone-recording">
          <Badge tone="block">● {t('正在录像', 'Recording')}</Badge> {t('您已同意录像', 'You agreed to the recording')}
        </p>
      )}
      {(call.state === 'reconnecting' || call.state === 'connecting') && (
        <Alert tone="warn">
          <span data-testid="call-state">
            {call.state === 'reconnecting'
              ? t('网络不稳，正在重新连接，请不要关闭本页…', 'The network dropped; reconnecting — keep this page open…')
              : t('正在接通…', 'Connecting…')}
          </span>
        </Alert>
      )}
      {call.error && call.state === 'failed' && <Alert tone="block">{errorText(call.error)}</Alert>}
      <div className="phone-videos">
        {reviewerFirst.map((x, i) => (
          <figure
            key={x.consumerId}
            className={i === 0 ? 'phone-tile phone-tile-main' : 'phone-tile'}
            data-source={x.source}
            data-peer-role={roleOf(x.peerId)?.role}
          >
            <TrackMedia track={x.track} label={roleOf(x.peerId)?.displayName ?? t('工作人员', 'Staff')} />
            <figcaption>{roleOf(x.peerId)?.displayName ?? t('工作人员', 'Staff')}</figcaption>
          </figure>
        ))}
        {cameras.length === 0 && <p className="phone-wait">{t('工作人员马上就来，请稍候…', 'Staff will be with you shortly…')}</p>}
        {ownVideo && (
          <figure className={facing === 'user' ? 'phone-tile phone-tile-self phone-mirror' : 'phone-tile phone-tile-self'}>
            <TrackMedia track={ownVideo} muted label={t('我', 'Me')} />
            <figcaption>{t('我', 'Me')}</figcaption>
          </figure>
        )}
      </div>
      {call.tracks
        .filter((x) => x.kind === 'audio')
        .map((x) => (
          <TrackMedia key={x.consumerId} track={x.track} />
        ))}
      <div className="phone-actions">
        <Button onClick={() => void switchCamera()}>
          {facing === 'user' ? t('换成后面的摄像头（拍证件）', 'Back camera (to show a card)') : t('换成前面的摄像头', 'Front camera')}
        </Button>
        {switchError !== null && (
          <p className="field-error" role="alert">
            {t('没能切换摄像头，请再点一次；不行就继续用现在的摄像头。', 'Could not switch the camera; tap again, or keep using this one.')}
          </p>
        )}
        <Button onClick={toggleMic} aria-pressed={!micOn}>
          {micOn ? t('关闭麦克风', 'Mute') : t('打开麦克风', 'Unmute')}
        </Button>
        <Button
          variant="danger"
          onClick={() => {
            void call.client?.leave();
            onLeave();
          }}
        >
          {t('离开视频', 'Leave')}
        </Button>
      </div>
    </section>
  );
}
