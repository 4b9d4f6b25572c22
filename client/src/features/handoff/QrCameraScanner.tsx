import { useEffect, useRef, useState } from 'react';
import jsQR from 'jsqr';
import { useI18n } from '../../i18n';
import { Alert } from '../../ui';

/** How often a frame is decoded: quick enough to feel instant, light enough for an old desk PC. */
const DECODE_EVERY_MS = 200;

/**
 * A webcam pointed at the cover sheet: frames are decoded in the browser (jsQR, no network) until
 * a QR code reads, which is handed to `onCode` once; the camera is released when this unmounts.
 */
export function QrCameraScanner({ onCode }: { onCode: (text: string) => void }) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const report = useRef(onCode);
  useEffect(() => {
    report.current = onCode;
  }, [onCode]);
  const [problem, setProblem] = useState<'denied' | 'missing' | 'failed' | null>(null);

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: number | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const g = canvas.getContext('2d', { willReadFrequently: true });

    const decode = () => {
      const v = video.current;
      if (stopped || !v || !g) return;
      if (v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && v.videoWidth > 0) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        g.drawImage(v, 0, 0);
        const frame = g.getImageData(0, 0, canvas.width, canvas.height);
        const qr = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
        if (qr?.data) {
          stopped = true;
          report.current(qr.data);
          return;
        }
      }
      timer = window.setTimeout(decode, DECODE_EVERY_MS);
    };

    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        decode();
      })
      .catch((e: unknown) => {
        if (stopped) return;
        const name = e instanceof DOMException ? e.name : '';
        setProblem(name === 'NotAllowedError' ? 'denied' : name === 'NotFoundError' ? 'missing' : 'failed');
      });
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  if (problem) {
    return (
      <Alert tone="warn">
        {problem === 'denied'
          ? t(
              '未获得摄像头权限：请在浏览器中允许使用摄像头，或改用扫码枪、输入办件编号。',
              'No camera permission: allow the camera in the browser, or use a barcode scanner or type the case number.',
            )
          : problem === 'missing'
            ? t('未找到摄像头：请改用扫码枪或输入办件编号。', 'No camera found: use a barcode scanner or type the case number.')
            : t(
                '摄像头无法打开：请改用扫码枪或输入办件编号。',
                'The camera could not be opened: use a barcode scanner or type the case number.',
              )}
      </Alert>
    );
  }
  return (
    <figure className="qr-camera">
      <video ref={video} muted playsInline aria-hidden="true" />
      <figcaption>
        {t('请将交接单右上角的二维码对准摄像头', 'Hold the QR code at the top right of the cover sheet up to the camera')}
      </figcaption>
    </figure>
  );
}
