import { describe, expect, it } from 'vitest';
import { checkLines, type CheckResult } from '../../client/src/features/check/checkLines';

/** The /check page's findings: a line for each of camera, microphone, video server, TCP fallback and delay. */
const good: CheckResult = {
  ok: true,
  camera: { width: 1280, height: 720 },
  joinToFirstFrameMs: 812,
  framesDecoded: 40,
  iceTransport: 'udp',
  rttMs: 12,
  audioPacketsReceived: 90,
  tcp: { ok: true, firstFrameMs: 900, iceTransport: 'tcp' },
};
const states = (r: CheckResult) => Object.fromEntries(checkLines(r).map((l) => [l.key, l.state]));
const line = (r: CheckResult, key: string) => checkLines(r).find((l) => l.key === key)!;

describe('the self-test in plain words', () => {
  it('all good: five lines, each OK, with the picture size, seconds to the first picture and the delay', () => {
    expect(states(good)).toEqual({ camera: 'ok', microphone: 'ok', server: 'ok', tcp: 'ok', delay: 'ok' });
    expect(line(good, 'camera').says.zh).toBe('画面正常（1280×720）');
    expect(line(good, 'server').says.zh).toBe('连通，0.8 秒后看到画面');
    expect(line(good, 'delay').says.zh).toBe('往返 12 毫秒，良好');
    const all = JSON.stringify(checkLines(good));
    for (const jargon of ['首帧', '解码', 'ICE', 'RTT']) expect(all).not.toContain(jargon);
  });

  it('every line that is not OK says what to do', () => {
    const cases: CheckResult[] = [
      { ...good, audioPacketsReceived: 0 },
      { ...good, iceTransport: 'tcp' },
      { ...good, tcp: { ok: false, firstFrameMs: null, iceTransport: 'unknown' } },
      { ...good, rttMs: 420 },
      {
        ...good,
        ok: false,
        joinToFirstFrameMs: null,
        rttMs: null,
        audioPacketsReceived: 0,
        tcp: { ok: false, firstFrameMs: null, iceTransport: 'unknown' },
        problem: 'no-media',
      },
      { ...good, ok: false, camera: null, joinToFirstFrameMs: null, rttMs: null, audioPacketsReceived: 0, tcp: null, problem: 'denied' },
      { ...good, ok: false, joinToFirstFrameMs: null, rttMs: null, audioPacketsReceived: 0, tcp: null, problem: 'signalling' },
    ];
    for (const r of cases)
      for (const l of checkLines(r))
        if (l.state === 'fail' || l.state === 'warn') expect(l.todo?.zh, `${l.key} of ${r.problem ?? 'a run'}`).toBeTruthy();
  });

  it('a blocked microphone, UDP blocked, no TCP fallback, a long delay, no picture back, no camera, no server', () => {
    expect(line({ ...good, audioPacketsReceived: 0 }, 'microphone').state).toBe('fail');
    expect(line({ ...good, iceTransport: 'tcp' }, 'server').state).toBe('warn');
    expect(line({ ...good, tcp: { ok: false, firstFrameMs: null, iceTransport: 'unknown' } }, 'tcp').state).toBe('warn');
    expect(line({ ...good, rttMs: 420 }, 'delay').state).toBe('warn');
    const noMedia = { ...good, ok: false, joinToFirstFrameMs: null, rttMs: null, tcp: null, problem: 'no-media' };
    expect(states(noMedia)).toEqual({ camera: 'ok', microphone: 'skipped', server: 'fail', tcp: 'skipped', delay: 'skipped' });
    expect(states({ ...noMedia, camera: null, problem: 'denied' })).toMatchObject({ camera: 'fail', server: 'skipped' });
    expect(line({ ...noMedia, problem: 'signalling' }, 'server').says.zh).toBe('连不上');
  });
});
