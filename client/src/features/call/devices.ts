/** Cameras and microphones: opening them, and saying clearly what to do when that fails. */

/** The frame rate desks and phones ask their cameras for: smooth enough to see a face move, light on the uplink. */
export const CAMERA_FRAME_RATE = 25;

export interface DeviceChoice {
  cameraId?: string;
  microphoneId?: string;
  /** On a phone: the screen-side camera ('user') or the back one ('environment'), to show a document. */
  facing?: 'user' | 'environment';
}

export interface MediaProblem {
  code: 'denied' | 'in-use' | 'no-device' | 'insecure' | 'other';
  zh: string;
  en: string;
}

export function describeMediaError(e: unknown): MediaProblem {
  const name = (e as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError') {
    return {
      code: 'denied',
      zh: '浏览器没有允许使用摄像头和麦克风。请点击地址栏左侧的锁形图标，把“摄像头”和“麦克风”改为“允许”，然后刷新本页。',
      en: 'The browser did not allow the camera and microphone. Click the lock icon left of the address bar, allow both, then reload.',
    };
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return {
      code: 'in-use',
      zh: '摄像头或麦克风正被其他程序占用（例如其他视频会议软件）。请关闭该程序后点击“重新检测”。',
      en: 'The camera or microphone is in use by another program (e.g. another video app). Close it, then click “Check again”.',
    };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return {
      code: 'no-device',
      zh: '没有找到摄像头或麦克风。请检查设备连接线是否插好，然后点击“重新检测”。',
      en: 'No camera or microphone was found. Check the cables, then click “Check again”.',
    };
  }
  if (name === 'SecurityError' || !navigator.mediaDevices) {
    return {
      code: 'insecure',
      zh: '当前网址不是安全连接，浏览器不允许使用摄像头。请使用管理员提供的 https:// 开头的地址打开本系统。',
      en: 'This address is not a secure connection, so the browser blocks the camera. Open the system with the https:// address from your administrator.',
    };
  }
  return {
    code: 'other',
    zh: `无法打开摄像头或麦克风（${name || String(e)}）。请点击“重新检测”，如仍不行请联系技术支持。`,
    en: `Could not open the camera or microphone (${name || String(e)}). Click “Check again”; contact support if it persists.`,
  };
}

/** Camera + microphone, from the chosen devices when given. */
export async function openCameraAndMic(choice: DeviceChoice = {}): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no mediaDevices'), { name: 'SecurityError' });
  return navigator.mediaDevices.getUserMedia({
    audio: choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true,
    video: {
      ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}),
      ...(choice.facing ? { facingMode: { ideal: choice.facing } } : {}),
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: CAMERA_FRAME_RATE },
    },
  });
}

/** The document camera (高拍仪): as many pixels as it has, a few frames a second is enough to read paper. */
export async function openDocumentCamera(deviceId: string): Promise<MediaStreamTrack> {
  const s = await navigator.mediaDevices.getUserMedia({
    video: { deviceId: { exact: deviceId }, width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 10 } },
  });
  const track = s.getVideoTracks()[0];
  if (!track) throw Object.assign(new Error('no video track'), { name: 'NotFoundError' });
  return track;
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return { cameras: all.filter((d) => d.kind === 'videoinput'), microphones: all.filter((d) => d.kind === 'audioinput') };
}

/** Microphone level 0..1 from an analyser, for the level meter. Returns a stop function. */
export function watchMicLevel(stream: MediaStream, onLevel: (level: number) => void): () => void {
  const track = stream.getAudioTracks()[0];
  if (!track) return () => undefined;
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  let raf = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const v of buf) sum += v * v;
    onLevel(Math.min(1, Math.sqrt(sum / buf.length) * 4));
    raf = requestAnimationFrame(tick);
  };
  tick();
  return () => {
    cancelAnimationFrame(raf);
    source.disconnect();
    void ctx.close();
  };
}

/** A camera track alone (the phone's other camera, to swap into the call). */
export async function openCamera(facing: 'user' | 'environment'): Promise<MediaStreamTrack> {
  const s = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: CAMERA_FRAME_RATE } },
  });
  const track = s.getVideoTracks()[0];
  if (!track) throw Object.assign(new Error('no video track'), { name: 'NotFoundError' });
  return track;
}
