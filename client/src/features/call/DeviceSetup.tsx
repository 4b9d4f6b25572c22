import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Select } from '../../ui';
import { describeMediaError, listDevices, openCameraAndMic, openDocumentCamera } from './devices';
import { usePreviewStream } from './usePreviewStream';
import { prepareCall } from './rtc/callPreparation';
import type { PeerSiteCredential } from './rtc/signalling';

export interface DeviceSetupResult {
  stream: MediaStream;
  documentTrack: MediaStreamTrack | null;
}

/**
 * 入会前设备检测: camera and microphone pickers, a preview, a microphone level meter, and plain
 * instructions when the browser refuses, the device is busy or there is none.
 */
export function DeviceSetup({
  onJoin,
  allowDocumentCamera,
  joinLabel,
  showCheckLink = true,
  peer,
}: {
  onJoin(result: DeviceSetupResult): void;
  allowDocumentCamera: boolean;
  joinLabel: string;
  showCheckLink?: boolean;
  /** The peer site's credential, when this screen leads to a call there (default: this site's, with the login). */
  peer?: PeerSiteCredential;
}) {
  const { t, lang } = useI18n();
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  const [docCameraId, setDocCameraId] = useState('');
  const videoRef = useRef<HTMLVideoElement>(null);

  const openStream = useCallback(async () => {
    const s = await openCameraAndMic({ ...(cameraId ? { cameraId } : {}), ...(micId ? { microphoneId: micId } : {}) });
    const devices = await listDevices();
    setCameras(devices.cameras);
    setMics(devices.microphones);
    return s;
  }, [cameraId, micId]);
  const { stream, problem, setProblem, level, open, handOver } = usePreviewStream(openStream);
  // While the user checks their devices, the call's connection, Device and certificate get ready: the join then skips them.
  useEffect(() => prepareCall(peer ? { peer } : {}), [peer]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = stream;
  }, [stream]);

  const currentCamera = stream?.getVideoTracks()[0]?.getSettings().deviceId ?? '';
  const docChoices = cameras.filter((c) => c.deviceId !== currentCamera);

  const join = async () => {
    if (!stream) return;
    let documentTrack: MediaStreamTrack | null = null;
    if (docCameraId) {
      try {
        documentTrack = await openDocumentCamera(docCameraId);
      } catch (e) {
        setProblem(describeMediaError(e));
        return;
      }
    }
    handOver();
    onJoin({ stream, documentTrack });
  };

  const label = (d: MediaDeviceInfo, i: number, zh: string, en: string) => d.label || t(`${zh} ${i + 1}`, `${en} ${i + 1}`);
  return (
    <Card title={t('入会前设备检测', 'Check your camera and microphone')}>
      <div className="device-setup">
        <video
          ref={videoRef}
          autoPlay
          muted
          playsInline
          className="device-preview"
          aria-label={t('本机摄像头预览', 'Your camera preview')}
        />
        <div className="device-controls">
          {problem && (
            <Alert tone="block" title={t('无法使用摄像头或麦克风', 'Camera or microphone unavailable')}>
              <span data-testid="media-problem">{lang === 'zh' ? problem.zh : problem.en}</span>
            </Alert>
          )}
          <Select
            label={t('摄像头', 'Camera')}
            value={cameraId || currentCamera}
            onChange={(e) => setCameraId(e.target.value)}
            options={cameras.map((d, i) => ({ value: d.deviceId, label: label(d, i, '摄像头', 'Camera') }))}
          />
          <Select
            label={t('麦克风', 'Microphone')}
            value={micId || (stream?.getAudioTracks()[0]?.getSettings().deviceId ?? '')}
            onChange={(e) => setMicId(e.target.value)}
            options={mics.map((d, i) => ({ value: d.deviceId, label: label(d, i, '麦克风', 'Microphone') }))}
          />
          <div
            className="mic-meter"
            role="meter"
            aria-label={t('麦克风音量', 'Microphone level')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(level * 100)}
          >
            <div className="mic-meter-fill" style={{ width: `${Math.round(level * 100)}%` }} />
          </div>
          <p className="muted">{t('请说几句话，音量条应随声音跳动。', 'Say a few words: the bar should move with your voice.')}</p>
          {allowDocumentCamera && (
            <Select
              label={t('高拍仪（文档摄像头，可选）', 'Document camera (optional)')}
              value={docCameraId}
              onChange={(e) => setDocCameraId(e.target.value)}
              options={[
                { value: '', label: t('不使用', 'None') },
                ...docChoices.map((d, i) => ({ value: d.deviceId, label: label(d, i, '摄像头', 'Camera') })),
              ]}
            />
          )}
          <div className="card-actions">
            <Button variant="primary" disabled={!stream} onClick={() => void join()}>
              {joinLabel}
            </Button>
            {problem && <Button onClick={() => void open()}>{t('重新检测', 'Check again')}</Button>}
            {showCheckLink && (
              <Link to="/check" target="_blank">
                {t('网络与设备检测', 'Network and device check')}
              </Link>
            )}
          </div>
        </div>
      </div>
    </Card>
  );
}
