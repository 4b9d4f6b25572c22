import { useEffect, useRef, useState, type ReactNode } from 'react';
import './call.css';
import type { PeerView } from '@tongban/shared/signalling/events';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button } from '../../ui';
import type { CallView as Call } from './useCall';
import type { RemoteTrack } from './rtc/CallClient';
import type { Quality } from './rtc/stats';

/** Plays one track; video in a tile, audio invisibly. */
export function TrackMedia({ track, muted = false, label }: { track: MediaStreamTrack; muted?: boolean; label?: string }) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([track]);
  }, [track]);
  if (track.kind === 'audio') return <audio ref={ref} autoPlay />;
  return <video ref={ref} autoPlay playsInline muted={muted} aria-label={label} />;
}

const QUALITY_TEXT = {
  good: ['网络良好', 'Good network'],
  fair: ['网络一般', 'Fair network'],
  poor: ['网络较差', 'Poor network'],
  none: ['暂无数据', 'No data yet'],
} as const;

/** One picture of the call: a remote participant's camera or document camera, or this desk's own. */
interface Tile {
  key: string;
  track: MediaStreamTrack;
  caption: string;
  remote?: RemoteTrack;
  /** `data-source` of the tile: remote tiles by source, this desk's document camera as `local-document`. */
  source?: string;
}

/**
 * 通话画面: one picture large (the document camera when someone shares one, else the applicant,
 * else another participant — any other one can be made large) and the others in a strip below it,
 * the active speaker outlined, mute and camera toggles, network quality and the reconnecting state.
 * Beside it, `work` (checklist, materials): on a wide screen the call fills the window and only the
 * work column scrolls, so the video stays in view while people work.
 */
export function CallView({
  call,
  local,
  localDocument,
  work,
  onLeave,
}: {
  call: Call;
  local: MediaStream;
  /** The document camera this desk publishes, shown so the clerk sees what the reviewer sees. */
  localDocument?: MediaStreamTrack | null;
  /** The column beside the video (checklist, materials, decision). */
  work?: ReactNode;
  onLeave(): void;
}) {
  const { t } = useI18n();
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [chosen, setChosen] = useState<string | null>(null);
  const peerOf = (peerId: string) => call.peers.find((p) => p.peerId === peerId);
  const peerName = (peerId: string) => peerOf(peerId)?.displayName ?? t('参会人', 'Participant');
  const audios = call.tracks.filter((x) => x.kind === 'audio');
  const localVideo = local.getVideoTracks()[0];

  // Documents first, then the applicant's camera, then the others: the first is large unless someone picked another.
  const rank = (x: RemoteTrack) => (x.source === 'document' ? 0 : peerOf(x.peerId)?.role === 'applicant' ? 1 : 2);
  const tiles: Tile[] = [
    ...call.tracks
      .filter((x) => x.kind === 'video')
      .sort((a, b) => rank(a) - rank(b))
      .map((x) => ({
        key: x.consumerId,
        track: x.track,
        caption: `${peerName(x.peerId)}${x.source === 'document' ? ` · ${t('高拍仪', 'Document camera')}` : ''}`,
        remote: x,
        source: x.source,
      })),
    ...(localDocument
      ? [{ key: 'local-document', track: localDocument, caption: t('我的高拍仪', 'My document camera'), source: 'local-document' }]
      : []),
    ...(localVideo ? [{ key: 'local-camera', track: localVideo, caption: t('我', 'Me') }] : []),
  ];
  const featured = tiles.find((x) => x.key === chosen) ?? tiles[0];

  const qualityText = (q: Quality) => t(QUALITY_TEXT[q][0], QUALITY_TEXT[q][1]);

  const toggle = (kind: 'microphone' | 'camera') => {
    const on = kind === 'microphone' ? !micOn : !camOn;
    for (const tr of kind === 'microphone' ? local.getAudioTracks() : local.getVideoTracks()) tr.enabled = on;
    (kind === 'microphone' ? setMicOn : setCamOn)(on);
    void call.client?.setPaused(kind, !on);
  };

  const tile = (x: Tile) => {
    const big = x === featured;
    const r = x.remote;
    return (
      <figure
        key={x.key}
        className={['call-tile', big ? 'call-tile-featured' : '', r && call.activeSpeaker === r.peerId ? 'call-tile-speaking' : ''].join(
          ' ',
        )}
        data-source={x.source}
        data-peer-role={r && peerOf(r.peerId)?.role}
      >
        <TrackMedia track={x.track} muted={!r} label={x.caption} />
        <figcaption>
          {x.caption}
          {r?.paused && ` · ${t('已关闭摄像头', 'camera off')}`}
          {r && r.source !== 'document' && (
            <span data-testid="peer-network-quality"> · {qualityText(call.peerQuality.get(r.peerId)?.quality ?? 'none')}</span>
          )}
        </figcaption>
        {!big && (
          <button type="button" className="call-tile-feature" onClick={() => setChosen(x.key)}>
            <span className="visually-hidden">{t(`大画面显示：${x.caption}`, `Show large: ${x.caption}`)}</span>
          </button>
        )}
      </figure>
    );
  };

  return (
    <div className={work ? 'call-stage' : 'call-stage call-stage-single'}>
      <section className="call-video" aria-label={t('视频画面', 'Video')}>
        {call.session?.recording && (
          // Everyone on camera must see that they are being recorded.
          <p role="status" data-testid="recording-indicator" className="call-recording">
            <Badge tone="block">● {t('录像中', 'Recording')}</Badge>{' '}
            {t('经申请人同意，本次视频会审正在录像', 'With the applicant’s consent, this call is being recorded')}
          </p>
        )}
        {(call.state === 'reconnecting' || call.state === 'connecting') && (
          <Alert tone="warn">
            <span data-testid="call-state">
              {call.state === 'reconnecting' ? t('正在重新连接…', 'Reconnecting…') : t('正在连接…', 'Connecting…')}
            </span>
          </Alert>
        )}
        {call.error && call.state === 'failed' && <Alert tone="block">{t(call.error.message_zh, call.error.message_en)}</Alert>}
        {featured && tile(featured)}
        {tiles.length > 1 && <div className="call-strip">{tiles.filter((x) => x !== featured).map(tile)}</div>}
        {audios.map((x) => (
          <TrackMedia key={x.consumerId} track={x.track} />
        ))}
        <div className="call-controls">
          <Button onClick={() => toggle('microphone')} aria-pressed={!micOn}>
            {micOn ? t('静音', 'Mute') : t('取消静音', 'Unmute')}
          </Button>
          <Button onClick={() => toggle('camera')} aria-pressed={!camOn}>
            {camOn ? t('关闭摄像头', 'Camera off') : t('打开摄像头', 'Camera on')}
          </Button>
          <Badge
            tone={
              call.quality.quality === 'good'
                ? 'ok'
                : call.quality.quality === 'fair'
                  ? 'warn'
                  : call.quality.quality === 'poor'
                    ? 'block'
                    : 'info'
            }
          >
            <span data-testid="network-quality">{qualityText(call.quality.quality)}</span>
          </Badge>
          <span className="muted">{participants(call.peers, t)}</span>
          <Button variant="danger" onClick={onLeave}>
            {t('离开', 'Leave')}
          </Button>
        </div>
      </section>
      {work && <div className="call-work">{work}</div>}
    </div>
  );
}

function participants(peers: PeerView[], t: (zh: string, en: string) => string): string {
  if (peers.length === 0) return t('等待对方进入…', 'Waiting for the others…');
  return t(`在线：${peers.map((p) => p.displayName).join('、')}`, `Online: ${peers.map((p) => p.displayName).join(', ')}`);
}
