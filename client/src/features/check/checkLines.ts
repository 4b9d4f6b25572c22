/**
 * The self-test's findings as people read them: one line per thing that must work for a video
 * co-review, in plain words, each with what to do when it does not. Pure, so every case is tested.
 */

export interface CheckResult {
  ok: boolean;
  /** The camera's picture size, when it opened. */
  camera: { width: number; height: number } | null;
  joinToFirstFrameMs: number | null;
  framesDecoded: number;
  iceTransport: 'udp' | 'tcp' | 'unknown';
  rttMs: number | null;
  audioPacketsReceived: number;
  /** The fallback path, TCP only; null when the test did not get that far. */
  tcp: { ok: boolean; firstFrameMs: number | null; iceTransport: 'udp' | 'tcp' | 'unknown' } | null;
  /** Why it stopped: a camera problem's code, 'signalling' or 'no-media'. */
  problem?: string;
}

export type LineState = 'ok' | 'warn' | 'fail' | 'skipped';
type Words = { zh: string; en: string };
export interface CheckLine {
  key: 'camera' | 'microphone' | 'server' | 'tcp' | 'delay';
  what: Words;
  state: LineState;
  says: Words;
  todo?: Words;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const NOT_CHECKED: Words = { zh: '前一项未通过，未检测', en: 'not checked: an earlier step failed' };

const WHAT: Record<CheckLine['key'], Words> = {
  camera: { zh: '摄像头', en: 'Camera' },
  microphone: { zh: '麦克风', en: 'Microphone' },
  server: { zh: '视频服务器', en: 'Video server' },
  tcp: { zh: '备用线路（TCP）', en: 'Fallback line (TCP)' },
  delay: { zh: '网络延迟', en: 'Network delay' },
};

function line(key: CheckLine['key'], state: LineState, says: Words, todo?: Words): CheckLine {
  return { key, what: WHAT[key], state, says, ...(todo ? { todo } : {}) };
}

export function checkLines(r: CheckResult): CheckLine[] {
  const reached = r.joinToFirstFrameMs !== null;
  const camera = r.camera
    ? line('camera', 'ok', {
        zh: `画面正常（${r.camera.width}×${r.camera.height}）`,
        en: `picture OK (${r.camera.width}×${r.camera.height})`,
      })
    : line(
        'camera',
        'fail',
        { zh: '打不开', en: 'cannot be opened' },
        { zh: '请按上面的提示处理，然后点“重新检测”。', en: 'Follow the advice above, then press “Check again”.' },
      );

  const microphone = !reached
    ? line('microphone', 'skipped', NOT_CHECKED)
    : r.audioPacketsReceived > 0
      ? line('microphone', 'ok', { zh: '声音经视频服务器传回正常', en: 'sound comes back through the video server' })
      : line(
          'microphone',
          'fail',
          { zh: '没有收到声音', en: 'no sound came back' },
          {
            zh: '请检查麦克风是否插好、是否被静音，或在浏览器中允许使用麦克风。',
            en: 'Check that the microphone is plugged in and not muted, and that the browser may use it.',
          },
        );

  let server: CheckLine;
  if (r.problem === 'signalling')
    server = line(
      'server',
      'fail',
      { zh: '连不上', en: 'cannot be reached' },
      { zh: '请检查网络，或请技术支持确认视频服务已启动。', en: 'Check the network, or ask support whether the video service is running.' },
    );
  else if (!r.camera) server = line('server', 'skipped', NOT_CHECKED);
  else if (!reached)
    server = line(
      'server',
      'fail',
      { zh: '连上了，但画面传不回来', en: 'reached, but no picture came back' },
      {
        zh: '网络可能屏蔽了视频端口。请网络管理员放行视频服务器的 UDP/TCP 端口（默认 40000–40999）。',
        en: 'The network may block the media ports. Ask the network administrator to open the server’s UDP/TCP ports (40000–40999 by default).',
      },
    );
  else {
    const s = seconds(r.joinToFirstFrameMs!);
    server =
      r.iceTransport === 'tcp'
        ? line(
            'server',
            'warn',
            { zh: `只能经备用线路（TCP）连通，${s} 秒后看到画面`, en: `reached over the fallback (TCP) only; picture after ${s} s` },
            {
              zh: 'UDP 被屏蔽，网络不好时画面更容易卡顿。建议请网络管理员放行 UDP 端口。',
              en: 'UDP is blocked, so the picture stalls more on a poor network. Ask for the UDP ports to be opened.',
            },
          )
        : line('server', 'ok', { zh: `连通，${s} 秒后看到画面`, en: `reached; picture after ${s} s` });
  }

  const tcp = !r.tcp
    ? line('tcp', 'skipped', NOT_CHECKED)
    : r.tcp.ok
      ? line('tcp', 'ok', { zh: '可用：UDP 受阻时也能视频', en: 'works: calls go through even when UDP is blocked' })
      : line(
          'tcp',
          'warn',
          { zh: '不可用：UDP 一旦受阻就无法视频', en: 'does not work: if UDP is blocked, calls fail' },
          {
            zh: '请网络管理员放行视频服务器的 TCP 端口（与 UDP 同一端口范围）。',
            en: 'Ask the network administrator to open the server’s TCP ports (the same range as UDP).',
          },
        );

  const rtt = r.rttMs;
  const delay =
    rtt === null
      ? line('delay', 'skipped', NOT_CHECKED)
      : rtt > 300
        ? line(
            'delay',
            'warn',
            { zh: `往返 ${rtt} 毫秒，较高`, en: `${rtt} ms round trip: high` },
            { zh: '通话会有明显延迟，请尽量换用更稳定的网络。', en: 'Expect a noticeable delay; use a steadier network if you can.' },
          )
        : line('delay', 'ok', {
            zh: `往返 ${rtt} 毫秒，${rtt > 150 ? '一般' : '良好'}`,
            en: `${rtt} ms round trip: ${rtt > 150 ? 'fair' : 'good'}`,
          });

  return [camera, microphone, server, tcp, delay];
}
