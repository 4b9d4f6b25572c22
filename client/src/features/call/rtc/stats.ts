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

export interface QualityScore {
  score: number;
  quality: Quality;
}

/**
 * Network quality from what this receiver sees between two samples: packet loss and jitter,
 * scored 0–10 like mediasoup's consumer score (10 = clean) and bucketed for the indicator.
 */
export function qualityBetween(prev: InboundSummary | undefined, now: InboundSummary, rttMs: number | null): QualityScore {
  const received = now.packetsReceived - (prev?.packetsReceived ?? 0);
  const lost = Math.max(0, now.packetsLost - (prev?.packetsLost ?? 0));
  if (received + lost === 0) return { score: 0, quality: 'none' };
  const lossPct = (100 * lost) / (received + lost);
  let score = 10 - Math.min(10, lossPct / 2);
  if (now.jitterMs > 30) score -= 1;
  if (rttMs !== null && rttMs > 300) score -= 2;
  score = Math.max(0, Math.round(score));
  return { score, quality: qualityOf(score) };
}

/** Buckets a 0–10 score (mediasoup's scale) for the indicator. */
export function qualityOf(score: number): Quality {
  return score >= 8 ? 'good' : score >= 5 ? 'fair' : 'poor';
}

/**
 * Quality per remote peer: the worse of the SFU's consumer score (loss it sees towards us) and the
 * browser's own measure, so a lossy downlink the SFU notices shows even while the browser's few
 * samples look clean. `browser` is for the whole receive transport; with no packets in the last
 * sample ('none') the SFU's score stands alone.
 */
export function peerQualities(browser: QualityScore, consumerScores: Map<string, number>, peerIds: string[]): Map<string, QualityScore> {
  const out = new Map<string, QualityScore>();
  for (const peerId of peerIds) {
    const sfu = consumerScores.get(peerId);
    if (sfu === undefined) out.set(peerId, browser);
    else {
      const score = browser.quality === 'none' ? sfu : Math.min(sfu, browser.score);
      out.set(peerId, { score, quality: qualityOf(score) });
    }
  }
  return out;
}

/** The worst peer's quality is the call's (the browser's own when nobody else is there). */
export function worstQuality(browser: QualityScore, perPeer: Map<string, QualityScore>): QualityScore {
  let worst: QualityScore | undefined;
  for (const q of perPeer.values()) if (q.quality !== 'none' && (!worst || q.score < worst.score)) worst = q;
  return worst ?? browser;
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
