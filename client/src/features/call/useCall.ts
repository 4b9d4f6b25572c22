import { useEffect, useRef, useState } from 'react';
import type { MediaSource, PeerView, ServerEvents } from '@tongban/shared/signalling/events';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import { CallClient, type CallAnnotations, type CallState, type RemoteTrack } from './rtc/CallClient';
import type { PeerSiteCredential } from './rtc/signalling';
import {
  peerQualities,
  qualityBetween,
  selectedPath,
  summarizeInbound,
  worstQuality,
  type InboundSummary,
  type QualityScore,
} from './rtc/stats';
import type { RtcError } from './rtc/signalling';

export interface CallDiagnostics {
  state: CallState;
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  iceTransport: string;
  remoteTracks: number;
  /** Whose video or sound each of our consumers carries (support: which score or layer is whose). */
  consumers: Array<{ consumerId: string; peerId: string; source: MediaSource }>;
  /** The SFU's latest score (0–10) of each of our consumers, by consumer id. */
  consumerScores: Record<string, { score: number; producerScore: number }>;
  /** Video frames encoded per published source. */
  framesSent: Record<string, number>;
  /** Local ports of the ICE candidate pairs in use (support: which flows belong to this desk). */
  icePorts: number[];
  /** Whether the transports were connected in the join (this page's DTLS certificate) or each by asking. */
  dtlsConnectedBy: 'join' | 'request' | null;
}

declare global {
  interface Window {
    /** Live figures of the current call, for support staff and automated checks. */
    tongbanCall?: { diagnostics(): Promise<CallDiagnostics>; peerId(): string };
  }
}

export interface CallView {
  client: CallClient | null;
  state: CallState;
  tracks: RemoteTrack[];
  peers: PeerView[];
  session: ReviewSessionView | null;
  viewer: ServerEvents['viewer:state'] | null;
  /** 批注 on the shared materials, live. */
  annotations: CallAnnotations;
  error: RtcError | null;
  /** The worst remote peer's network quality. */
  quality: QualityScore;
  /** Per remote peer id: the worse of the SFU's consumer score and the browser's own statistics. */
  peerQuality: Map<string, QualityScore>;
  /** Peer id of whoever speaks loudest now. */
  activeSpeaker: string | null;
}

const SAMPLE_MS = 1000;
const NO_MARKS: CallAnnotations = { marks: [], own: new Set() };

/** Runs a CallClient for the lifetime of the component once `local` media is ready. */
export function useCall(opts: {
  sessionId: string;
  token?: string;
  /** A peer site's call (cross-site co-review), entered with a join grant. */
  peer?: PeerSiteCredential;
  local: MediaStream | null;
  documentTrack?: MediaStreamTrack | null;
}): CallView {
  const [client, setClient] = useState<CallClient | null>(null);
  const [state, setState] = useState<CallState>('connecting');
  const [tracks, setTracks] = useState<RemoteTrack[]>([]);
  const [peers, setPeers] = useState<PeerView[]>([]);
  const [session, setSession] = useState<ReviewSessionView | null>(null);
  const [viewer, setViewer] = useState<CallView['viewer']>(null);
  const [annotations, setAnnotations] = useState<CallAnnotations>(NO_MARKS);
  const [error, setError] = useState<RtcError | null>(null);
  const [quality, setQuality] = useState<QualityScore>({ score: 0, quality: 'none' });
  const [peerQuality, setPeerQuality] = useState<Map<string, QualityScore>>(new Map());
  const [activeSpeaker, setActiveSpeaker] = useState<string | null>(null);
  const prev = useRef<InboundSummary | undefined>(undefined);
  const { sessionId, token, peer, local } = opts;

  useEffect(() => {
    if (!local) return;
    const c = new CallClient({ target: { sessionId }, ...(token ? { token } : {}), ...(peer ? { peer } : {}) });
    const offs = [
      c.on('state', setState),
      c.on('tracks', setTracks),
      c.on('peers', setPeers),
      c.on('session', setSession),
      c.on('viewer', setViewer),
      c.on('annotations', setAnnotations),
      c.on('error', setError),
    ];
    for (const track of local.getTracks()) void c.setLocalTrack(track.kind === 'video' ? 'camera' : 'microphone', track);
    void c.join().catch(() => undefined); // failures arrive through 'error' / 'state'
    setClient(c);
    window.tongbanCall = {
      peerId: () => c.peerId,
      async diagnostics() {
        const report = await c.recvStats();
        const s = report ? summarizeInbound(report) : undefined;
        return {
          state: c.state,
          dtlsConnectedBy: c.dtlsConnectedBy ?? null,
          videoFramesDecoded: s?.videoFramesDecoded ?? 0,
          audioPacketsReceived: s?.audioPacketsReceived ?? 0,
          iceTransport: report ? selectedPath(report).iceTransport : 'unknown',
          remoteTracks: c.remoteTracks().length,
          consumers: c.remoteTracks().map(({ consumerId, peerId, source }) => ({ consumerId, peerId, source })),
          consumerScores: Object.fromEntries(
            [...c.consumerScores()].map(([id, s]) => [id, { score: s.score, producerScore: s.producerScore }]),
          ),
          icePorts: [
            ...new Set([
              ...(report ? [selectedPath(report).localPort] : []),
              selectedPath((await c.sendStats('camera')) ?? new Map()).localPort,
            ]),
          ].filter((p): p is number => p !== null),
          framesSent: Object.fromEntries(
            await Promise.all(
              (['camera', 'document'] as const).map(async (source) => {
                let frames = 0;
                (await c.sendStats(source))?.forEach((r: { type: string; framesEncoded?: number }) => {
                  if (r.type === 'outbound-rtp') frames += r.framesEncoded ?? 0;
                });
                return [source, frames] as const;
              }),
            ),
          ),
        };
      },
    };
    const onUnload = () => void c.leave();
    window.addEventListener('pagehide', onUnload);
    return () => {
      window.removeEventListener('pagehide', onUnload);
      for (const off of offs) off();
      delete window.tongbanCall;
      void c.leave();
      setClient(null);
    };
  }, [sessionId, token, peer, local]);

  // The document camera comes and goes during the call.
  useEffect(() => {
    if (!client) return;
    void client.setLocalTrack('document', opts.documentTrack ?? null);
  }, [client, opts.documentTrack]);

  // Network quality and the active speaker, from the receive side's statistics.
  useEffect(() => {
    if (!client) return;
    const timer = setInterval(() => {
      void client.recvStats().then((report) => {
        if (!report) return;
        const now = summarizeInbound(report);
        const browser = qualityBetween(prev.current, now, selectedPath(report).rttMs);
        const perPeer = peerQualities(browser, client.peerScores(), [...new Set(client.remoteTracks().map((t) => t.peerId))]);
        setPeerQuality(perPeer);
        setQuality(worstQuality(browser, perPeer));
        prev.current = now;
        let loudest: { peerId: string; level: number } | null = null;
        for (const t of client.remoteTracks()) {
          const level = t.kind === 'audio' ? (now.audioLevels.get(t.track.id) ?? 0) : 0;
          if (level > 0.02 && (!loudest || level > loudest.level)) loudest = { peerId: t.peerId, level };
        }
        setActiveSpeaker(loudest?.peerId ?? null);
      });
    }, SAMPLE_MS);
    return () => clearInterval(timer);
  }, [client]);

  return { client, state, tracks, peers, session, viewer, annotations, error, quality, peerQuality, activeSpeaker };
}
