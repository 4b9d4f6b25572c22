import { useCallback, useEffect, useRef, useState } from 'react';
import '../call/call.css';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, PageHeader } from '../../ui';
import { CallClient } from '../call/rtc/CallClient';
import { firstDecodedFrame, selectedPath, summarizeInbound } from '../call/rtc/stats';
import { describeMediaError, openCameraAndMic, type MediaProblem } from '../call/devices';
import { RtcError } from '../call/rtc/signalling';
import { checkLines, type CheckResult, type LineState } from './checkLines';

declare global {
  interface Window {
    /** Set when the self-test finishes, for automation. */
    tongbanCheckResult?: CheckResult;
  }
}

type Phase = 'idle' | 'camera' | 'connecting' | 'tcp' | 'done';
const MEASURE_MS = 2000;

/** One loopback through the SFU: our camera and microphone out and back. */
async function loopback(
  stream: MediaStream,
  opts: { onlyTcp: boolean; onVideo?: (track: MediaStreamTrack) => void; beforeLeave?: () => void },
) {
  const client = new CallClient({ target: { selfTest: true }, consumeOwn: true, onlyTcp: opts.onlyTcp });
  try {
    for (const track of stream.getTracks()) await client.setLocalTrack(track.kind === 'video' ? 'camera' : 'microphone', track);
    client.on('tracks', (tracks) => {
      const video = tracks.find((x) => x.kind === 'video');
      if (video) opts.onVideo?.(video.track);
    });
    const t0 = performance.now();
    await client.join();
    const firstFrameMs = await firstDecodedFrame(() => client.recvStats(), t0).catch(() => null);
    if (firstFrameMs !== null) await new Promise((r) => setTimeout(r, MEASURE_MS));
    const report = await client.recvStats();
    opts.beforeLeave?.();
    return {
      firstFrameMs,
      inbound: report ? summarizeInbound(report) : undefined,
      path: report ? selectedPath(report) : { iceTransport: 'unknown' as const, rttMs: null },
    };
  } finally {
    await client.leave();
  }
}

/** What the returned video showed last, kept as a still so the page does not end on a black box. */
function keepStill(video: HTMLVideoElement | null, canvas: HTMLCanvasElement | null): boolean {
  if (!video || !canvas || video.videoWidth === 0) return false;
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  return true;
}

/**
 * 网络与设备检测: the camera and microphone out through the video server and back, over the usual
 * path (UDP) and over the fallback (TCP only), reported line by line in plain words — camera,
 * microphone, video server, fallback line, delay — each with what to do when it fails.
 */
export default function CheckPage() {
  const { t, lang, errorText } = useI18n();
  const [phase, setPhase] = useState<Phase>('idle');
  const [result, setResult] = useState<CheckResult | null>(null);
  const [problem, setProblem] = useState<MediaProblem | RtcError | null>(null);
  const [still, setStill] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const running = useRef(false);

  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setResult(null);
    setProblem(null);
    setStill(false);
    delete window.tongbanCheckResult;
    let stream: MediaStream | undefined;
    const finish = (r: CheckResult) => {
      setResult(r);
      window.tongbanCheckResult = r;
      setPhase('done');
    };
    const show = (track: MediaStreamTrack) => {
      if (videoRef.current) videoRef.current.srcObject = new MediaStream([track]);
    };
    try {
      setPhase('camera');
      try {
        stream = await openCameraAndMic();
      } catch (e) {
        const p = describeMediaError(e);
        setProblem(p);
        finish({ ...EMPTY, problem: p.code });
        return;
      }
      const settings = stream.getVideoTracks()[0]?.getSettings();
      const camera = settings?.width && settings.height ? { width: settings.width, height: settings.height } : null;
      setPhase('connecting');
      // The still is taken while the picture still comes back (after leaving, the video goes dark).
      const udp = await loopback(stream, {
        onlyTcp: false,
        onVideo: show,
        beforeLeave: () => setStill(keepStill(videoRef.current, canvasRef.current)),
      });
      setPhase('tcp');
      const tcp = await loopback(stream, { onlyTcp: true });
      const framesDecoded = udp.inbound?.videoFramesDecoded ?? 0;
      finish({
        ok: udp.firstFrameMs !== null && framesDecoded > 0,
        camera,
        joinToFirstFrameMs: udp.firstFrameMs,
        framesDecoded,
        iceTransport: udp.path.iceTransport,
        rttMs: udp.path.rttMs,
        audioPacketsReceived: udp.inbound?.audioPacketsReceived ?? 0,
        tcp: { ok: tcp.firstFrameMs !== null, firstFrameMs: tcp.firstFrameMs, iceTransport: tcp.path.iceTransport },
        ...(udp.firstFrameMs === null ? { problem: 'no-media' } : {}),
      });
    } catch (e) {
      setProblem(e instanceof RtcError ? e : describeMediaError(e));
      finish({ ...EMPTY, problem: 'signalling' });
    } finally {
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (videoRef.current) videoRef.current.srcObject = null;
      running.current = false;
    }
  }, []);

  useEffect(() => {
    void run();
  }, [run]);

  const lines = result ? checkLines(result) : [];
  return (
    <>
      <PageHeader title={t('网络与设备检测', 'Network and device check')} />
      <Card
        title={t('检测结果', 'Results')}
        actions={
          <Button onClick={() => void run()} disabled={phase !== 'done'}>
            {t('重新检测', 'Check again')}
          </Button>
        }
      >
        <p role="status" data-testid="check-phase">
          {phase === 'camera' && t('正在打开摄像头和麦克风…', 'Opening the camera and microphone…')}
          {phase === 'connecting' && t('正在经视频服务器传回画面和声音…', 'Sending picture and sound through the video server and back…')}
          {phase === 'tcp' && t('正在检测备用线路（TCP）…', 'Checking the fallback line (TCP)…')}
          {phase === 'done' &&
            result &&
            (result.ok ? (
              <Badge tone="ok">{t('检测通过，可以视频会审', 'All good: ready for a video co-review')}</Badge>
            ) : (
              <Badge tone="block">{t('检测未通过，请看下面的说明', 'Problems found: see below')}</Badge>
            ))}
        </p>
        <video
          ref={videoRef}
          autoPlay
          muted
          playsInline
          hidden={phase === 'done'}
          className="check-video"
          aria-label={t('经视频服务器传回的画面', 'Your picture, back from the video server')}
        />
        <canvas
          ref={canvasRef}
          hidden={phase !== 'done' || !still}
          className="check-video"
          data-testid="check-still"
          role="img"
          aria-label={t('经视频服务器传回的画面（检测时截取）', 'Your picture as it came back from the video server')}
        />
        {problem && <Alert tone="block">{problem instanceof RtcError ? errorText(problem) : t(problem.zh, problem.en)}</Alert>}
        {result && (
          <ul className="check-lines" data-testid="check-result">
            {lines.map((l) => (
              <li key={l.what.en} data-line={l.key} data-state={l.state}>
                <Badge tone={TONE[l.state]}>{t(...STATE_TEXT[l.state])}</Badge> <strong>{lang === 'zh' ? l.what.zh : l.what.en}</strong>
                {'：'}
                {lang === 'zh' ? l.says.zh : l.says.en}
                {l.todo && <p className="check-todo">{lang === 'zh' ? l.todo.zh : l.todo.en}</p>}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

const EMPTY: CheckResult = {
  ok: false,
  camera: null,
  joinToFirstFrameMs: null,
  framesDecoded: 0,
  iceTransport: 'unknown',
  rttMs: null,
  audioPacketsReceived: 0,
  tcp: null,
};

const TONE: Record<LineState, 'ok' | 'warn' | 'block' | 'info'> = { ok: 'ok', warn: 'warn', fail: 'block', skipped: 'info' };
const STATE_TEXT: Record<LineState, [string, string]> = {
  ok: ['正常', 'OK'],
  warn: ['注意', 'Note'],
  fail: ['有问题', 'Problem'],
  skipped: ['未检测', 'Not checked'],
};
