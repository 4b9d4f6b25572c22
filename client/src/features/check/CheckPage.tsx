import { useCallback, useEffect, useRef, useState } from 'react';
import '../call/call.css';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, PageHeader } from '../../ui';
import { CallClient } from '../call/rtc/CallClient';
import { firstDecodedFrame, selectedPath, summarizeInbound } from '../call/rtc/stats';
import { describeMediaError, openCameraAndMic, type MediaProblem } from '../call/devices';
import { RtcError } from '../call/rtc/signalling';

export interface CheckResult {
  ok: boolean;
  joinToFirstFrameMs: number | null;
  framesDecoded: number;
  iceTransport: 'udp' | 'tcp' | 'unknown';
  rttMs: number | null;
  audioPacketsReceived: number;
  problem?: string;
}

declare global {
  interface Window {
    /** Set when the self-test finishes, for automation. */
    tongbanCheckResult?: CheckResult;
  }
}

/** A self-test that stopped before any media flowed (no camera, or signalling failed). */
function failedCheck(problem: string): CheckResult {
  return { ok: false, joinToFirstFrameMs: null, framesDecoded: 0, iceTransport: 'unknown', rttMs: null, audioPacketsReceived: 0, problem };
}

type Phase = 'idle' | 'camera' | 'connecting' | 'measuring' | 'done';
const MEASURE_MS = 2000;

/**
 * 网络与设备检测: sends the local camera and microphone through the SFU and back, and reports
 * join-to-first-frame time, frames decoded, round-trip time and whether ICE used UDP or TCP.
 */
export default function CheckPage() {
  const { t, lang, errorText } = useI18n();
  const [phase, setPhase] = useState<Phase>('idle');
  const [result, setResult] = useState<CheckResult | null>(null);
  const [problem, setProblem] = useState<MediaProblem | RtcError | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const running = useRef(false);

  const run = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    setResult(null);
    setProblem(null);
    delete window.tongbanCheckResult;
    let stream: MediaStream | undefined;
    let client: CallClient | undefined;
    const finish = (r: CheckResult) => {
      setResult(r);
      window.tongbanCheckResult = r;
      setPhase('done');
    };
    try {
      setPhase('camera');
      try {
        stream = await openCameraAndMic();
      } catch (e) {
        const p = describeMediaError(e);
        setProblem(p);
        finish(failedCheck(p.code));
        return;
      }
      setPhase('connecting');
      client = new CallClient({ target: { selfTest: true }, consumeOwn: true });
      for (const track of stream.getTracks()) await client.setLocalTrack(track.kind === 'video' ? 'camera' : 'microphone', track);
      const c = client;
      client.on('tracks', (tracks) => {
        const video = tracks.find((x) => x.kind === 'video');
        if (video && videoRef.current && videoRef.current.srcObject === null) videoRef.current.srcObject = new MediaStream([video.track]);
      });
      const t0 = performance.now();
      await client.join();
      const joinToFirstFrameMs = await firstDecodedFrame(() => c.recvStats(), t0).catch(() => null);
      setPhase('measuring');
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const report = await client.recvStats();
      const inbound = report ? summarizeInbound(report) : undefined;
      const path = report ? selectedPath(report) : { iceTransport: 'unknown' as const, rttMs: null };
      const framesDecoded = inbound?.videoFramesDecoded ?? 0;
      finish({
        ok: joinToFirstFrameMs !== null && framesDecoded > 0,
        joinToFirstFrameMs,
        framesDecoded,
        iceTransport: path.iceTransport,
        rttMs: path.rttMs,
        audioPacketsReceived: inbound?.audioPacketsReceived ?? 0,
        ...(joinToFirstFrameMs === null ? { problem: 'no-media' } : {}),
      });
    } catch (e) {
      setProblem(e instanceof RtcError ? e : describeMediaError(e));
      finish(failedCheck('signalling'));
    } finally {
      await client?.leave();
      for (const track of stream?.getTracks() ?? []) track.stop();
      if (videoRef.current) videoRef.current.srcObject = null;
      running.current = false;
    }
  }, []);

  useEffect(() => {
    void run();
  }, [run]);

  const advice = result ? adviceFor(result) : [];
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
          {phase === 'connecting' && t('正在连接视频服务器…', 'Connecting to the video server…')}
          {phase === 'measuring' && t('正在测量…', 'Measuring…')}
          {phase === 'done' &&
            result &&
            (result.ok ? (
              <Badge tone="ok">{t('检测通过', 'All good')}</Badge>
            ) : (
              <Badge tone="block">{t('检测未通过', 'Problems found')}</Badge>
            ))}
        </p>
        <video
          ref={videoRef}
          autoPlay
          muted
          playsInline
          className="check-video"
          aria-label={t('经服务器回传的画面', 'Video returned by the server')}
        />
        {problem && <Alert tone="block">{problem instanceof RtcError ? errorText(problem) : t(problem.zh, problem.en)}</Alert>}
        {result && (
          <dl className="check-figures" data-testid="check-result">
            <dt>{t('入会到首帧', 'Join to first frame')}</dt>
            <dd>{result.joinToFirstFrameMs === null ? '—' : `${result.joinToFirstFrameMs} ms`}</dd>
            <dt>{t('已解码帧数', 'Frames decoded')}</dt>
            <dd>{result.framesDecoded}</dd>
            <dt>{t('往返时延', 'Round-trip time')}</dt>
            <dd>{result.rttMs === null ? '—' : `${result.rttMs} ms`}</dd>
            <dt>{t('连接方式', 'Connection')}</dt>
            <dd>{result.iceTransport === 'unknown' ? '—' : result.iceTransport.toUpperCase()}</dd>
          </dl>
        )}
        {advice.map((a) => (
          <Alert key={a.en} tone="warn">
            {lang === 'zh' ? a.zh : a.en}
          </Alert>
        ))}
      </Card>
    </>
  );
}

function adviceFor(r: CheckResult): Array<{ zh: string; en: string }> {
  const out: Array<{ zh: string; en: string }> = [];
  if (r.problem === 'signalling')
    out.push({
      zh: '无法连接视频服务器。请检查网络，或联系技术支持确认视频服务已启动。',
      en: 'Cannot reach the video server. Check the network or ask support whether the video service is running.',
    });
  if (r.problem === 'no-media') {
    out.push({
      zh: '连上了服务器但收不到画面：网络可能屏蔽了 UDP 和视频端口。请联系网络管理员放行视频服务器的 UDP/TCP 端口（默认 40000–40999）。',
      en: 'Connected, but no video came back: the network may block UDP and the media ports. Ask the network administrator to open the server’s UDP/TCP media ports (40000–40999 by default).',
    });
  }
  if (r.ok && r.iceTransport === 'tcp') {
    out.push({
      zh: '视频走的是 TCP（UDP 被屏蔽），画面在网络不好时更容易卡顿。建议放行 UDP 端口。',
      en: 'Video runs over TCP (UDP is blocked), which stalls more on a poor network. Consider opening the UDP ports.',
    });
  }
  if (r.ok && r.rttMs !== null && r.rttMs > 300)
    out.push({ zh: '网络延迟较高，通话可能有明显延迟。', en: 'The network round trip is long; expect a noticeable delay.' });
  return out;
}
