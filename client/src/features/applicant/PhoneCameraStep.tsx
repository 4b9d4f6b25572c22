import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n';
import { Alert, Button } from '../../ui';
import { openCameraAndMic } from '../call/devices';
import { usePreviewStream } from '../call/usePreviewStream';

export type Facing = 'user' | 'environment';

/**
 * Step 1 on the phone: the applicant sees themself and hears that the microphone works, in plain
 * words (no device names): one question — 能看到自己吗？ — and one button to go on. The back
 * camera is one tap away, for showing the ID card later.
 */
export function PhoneCameraStep({ onReady }: { onReady(stream: MediaStream, facing: Facing): void }) {
  const { t, lang } = useI18n();
  const [facing, setFacing] = useState<Facing>('user');
  const openStream = useCallback(() => openCameraAndMic({ facing }), [facing]);
  const { stream, problem, level, open, handOver } = usePreviewStream(openStream);
  const videoRef = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = stream;
  }, [stream]);

  const heard = level > 0.05;
  return (
    <section className="phone-step" aria-labelledby="phone-step-title">
      <h2 id="phone-step-title">{t('第一步：看看摄像头', 'Step 1: check your camera')}</h2>
      {problem ? (
        <Alert tone="block" title={t('还不能打开摄像头', 'The camera cannot be opened yet')}>
          <span data-testid="media-problem">{lang === 'zh' ? problem.zh : problem.en}</span>
          <div className="phone-actions">
            <Button variant="primary" onClick={() => void open()}>
              {t('再试一次', 'Try again')}
            </Button>
          </div>
        </Alert>
      ) : (
        <>
          <video
            ref={videoRef}
            autoPlay
            muted
            playsInline
            className={facing === 'user' ? 'phone-preview phone-mirror' : 'phone-preview'}
            aria-label={t('您自己的画面', 'Your own picture')}
          />
          <p className="phone-question">{t('能在上面看到自己吗？', 'Can you see yourself above?')}</p>
          <p className="phone-sound" role="status" data-testid="phone-sound">
            {heard ? t('✓ 能听到您的声音', '✓ We can hear you') : t('请说一句话，试试声音', 'Say something to test the sound')}
          </p>
          <div className="phone-actions">
            <Button
              variant="primary"
              disabled={!stream}
              onClick={() => {
                if (!stream) return;
                handOver();
                onReady(stream, facing);
              }}
            >
              {t('看得到，下一步', 'I can see myself — next')}
            </Button>
            <Button onClick={() => setFacing(facing === 'user' ? 'environment' : 'user')}>
              {facing === 'user' ? t('换成后面的摄像头', 'Use the back camera') : t('换成前面的摄像头', 'Use the front camera')}
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
