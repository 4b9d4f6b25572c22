import { useEffect, useRef, useState } from 'react';
import { Button, Select } from '../../ui';
import { useI18n } from '../../i18n';

interface ImageCaptureLike {
  takePhoto(settings?: Record<string, unknown>): Promise<Blob>;
}
declare const ImageCapture: { new (track: MediaStreamTrack): ImageCaptureLike } | undefined;

/**
 * 高拍仪 / webcam capture: pick a camera, live preview, capture at the highest resolution the
 * device offers (ImageCapture.takePhoto where available, else a full-size canvas frame, sent as
 * lossless PNG). The server crops the page and deskews it during the pre-check.
 */
export function CameraCapture({ onCapture, busy }: { onCapture: (photo: Blob) => void; busy: boolean }) {
  const { t, errorText } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState('');
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live: MediaStream | null = null;
    let cancelled = false;
    (async () => {
      try {
        // 4K ideal: the camera answers with the largest size it supports.
        live = await navigator.mediaDevices.getUserMedia({
          video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), width: { ideal: 3840 }, height: { ideal: 2160 } },
          audio: false,
        });
        if (cancelled) return live.getTracks().forEach((tr) => tr.stop());
        setStream(live);
        if (video.current) video.current.srcObject = live;
        // Labels are only visible once permission is granted.
        const all = await navigator.mediaDevices.enumerateDevices();
        setDevices(all.filter((d) => d.kind === 'videoinput'));
        setError(null);
      } catch (e) {
        setError(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
      live?.getTracks().forEach((tr) => tr.stop());
    };
  }, [deviceId, errorText]);

  async function capture() {
    const track = stream?.getVideoTracks()[0];
    if (!track) return;
    try {
      if (typeof ImageCapture !== 'undefined') {
        onCapture(await new ImageCapture(track).takePhoto());
        return;
      }
    } catch {
      // Some cameras refuse takePhoto; a full-size video frame is the fallback.
    }
    const v = video.current!;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')!.drawImage(v, 0, 0);
    // PNG, not JPEG: in the OCR benchmark a card ~1100 px wide in the frame lost its ID number
    // with JPEG at quality 0.92 (1 of 3 read exactly) and kept it as PNG (3 of 3).
    canvas.toBlob((b) => b && onCapture(b), 'image/png');
  }

  const settings = stream?.getVideoTracks()[0]?.getSettings();
  return (
    <div className="camera-capture">
      <Select
        label={t('摄像头（高拍仪）', 'Camera (document camera)')}
        value={deviceId}
        onChange={(e) => setDeviceId(e.target.value)}
        options={[
          { value: '', label: t('默认摄像头', 'Default camera') },
          ...devices.map((d, i) => ({ value: d.deviceId, label: d.label || t(`摄像头 ${i + 1}`, `Camera ${i + 1}`) })),
        ]}
      />
      {error ? <p role="alert">{error}</p> : null}
      <video
        ref={video}
        autoPlay
        playsInline
        muted
        style={{ width: '100%', maxHeight: '50vh', background: '#000' }}
        aria-label={t('摄像头预览', 'Camera preview')}
      />
      {settings?.width ? (
        <p>{t(`分辨率 ${settings.width}×${settings.height}`, `Resolution ${settings.width}×${settings.height}`)}</p>
      ) : null}
      <Button variant="primary" onClick={() => void capture()} disabled={!stream} busy={busy}>
        {t('拍摄并上传', 'Capture and upload')}
      </Button>
    </div>
  );
}
