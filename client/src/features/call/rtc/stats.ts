/** Reading WebRTC getStats() reports into the few figures the desks show. */

export interface InboundSummary {
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  packetsLost: number;
  packetsReceived: number;
  jitterMs: number;
  /** Per track id: the received audio level 0..1 (for the active speaker). */
  audioLevels: Map<string, number>;
}

type Stat = Record<string, unknown> & { type: string; id: string };
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function summarizeInbound(report: RTCStatsReport): InboundSummary {
  const out: InboundSummary = {
    videoFramesDecoded: 0,
    audioPacketsReceived: 0,
    packetsLost: 0,
    packetsReceived: 0,
    jitterMs: 0,
    audioLevels: new Map(),
  };
  report.forEach((s: Stat) => {
    if (s.type !== 'inbound-rtp') return;
    out.packetsLost += num(s['packetsLost']);
    out.packetsReceived += num(s['packetsReceived']);
    out.jitterMs = Math.max(out.jitterMs, num(s['jitter']) * 1000);
    if (s['kind'] === 'video') out.videoFramesDecoded += num(s['framesDecoded']);
    if (s['kind'] === 'audio') {
      out.audioPacketsReceived += num(s['packetsReceived']);
      if (typeof s['trackIdentifier'] === 'string') out.audioLevels.set(s['trackIdentifier'], num(s['audioLevel']));
    }
  });
  return out;
}

export interface PathInfo {
  /** What ICE settled on: UDP, or TCP when UDP is blocked. */
  iceTransport: 'udp' | 'tcp' | 'unknown';
  rttMs: number | null;
  localPort: number | null;
}

export function selectedPath(report: RTCStatsReport): PathInfo {
  let pair: Stat | undefined;
  report.forEach((s: Stat) => {
    if (s.type === 'transport' && typeof s['selectedCandidatePairId'] === 'string')
      pair = report.get(s['selectedCandidatePairId']) as Stat | undefined;
  });
  if (!pair) {
    report.forEach((s: Stat) => {
      if (s.type === 'candidate-pair' && s['state'] === 'succeeded' && (s['nominated'] || !pair)) pair = s;
    });
  }
  if (!pair) return { iceTransport: 'unknown', rttMs: null, localPort: null };
  const local = report.get(String(pair['localCandidateId'])) as Stat | undefined;
  const protocol = local?.['protocol'];
  const rtt = pair['currentRoundTripTime'];
  return {
    iceTransport: protocol === 'udp' || protocol === 'tcp' ? protocol : 'unknown',
    rttMs: typeof rtt === 'number' ? Math.round(rtt * 1000) : null,
    localPort: typeof local?.['port'] === 'number' ? local['port'] : null,
  };
}

export type Quality = 'good' | 'fair' | 'poor' | 'none';

/**
 * Network quality from what this receiver sees between two samples: packet loss and jitter,
 * scored 0–10 like mediasoup's consumer score (10 = clean) and bucketed for the indicator.
 */
export function qualityBetween(
  prev: InboundSummary | undefined,
  now: InboundSummary,
  rttMs: number | null,
): { score: number; quality: Quality } {
  const received = now.packetsReceived - (prev?.packetsReceived ?? 0);
  const lost = Math.max(0, now.packetsLost - (prev?.packetsLost ?? 0));
  if (received + lost === 0) return { score: 0, quality: 'none' };
  const lossPct = (100 * lost) / (received + lost);
  let score = 10 - Math.min(10, lossPct / 2);
  if (now.jitterMs > 30) score -= 1;
  if (rttMs !== null && rttMs > 300) score -= 2;
  score = Math.max(0, Math.round(score));
  return { score, quality: score >= 8 ? 'good' : score >= 5 ? 'fair' : 'poor' };
}

/** Milliseconds from `since` (performance.now()) to the first decoded remote video frame; rejects after `timeoutMs`. */
export async function firstDecodedFrame(
  getStats: () => Promise<RTCStatsReport | undefined>,
  since: number,
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const report = await getStats();
    if (report && summarizeInbound(report).videoFramesDecoded > 0) return Math.round(performance.now() - since);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('no video frame decoded');
}
