import { useEffect, useRef, useState, type ReactNode } from 'react';
import './call.css';
import type { PeerView } from '@tongban/shared/signalling/events';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button } from '../../ui';
import type { CallView as Call } from './useCall';
import type { RemoteTrack } from './rtc/CallClient';
import type { Quality } from './rtc/stats';

/** Plays one track; video in a tile, audio invisibly. */
export function TrackMedia({
  track,
  muted = false,
  label,
  videoRef,
}: {
  track: MediaStreamTrack;
  muted?: boolean;
  label?: string;
  videoRef?: (el: HTMLVideoElement | null) => void;
}) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([track]);
  }, [track]);
  if (track.kind === 'audio') return <audio ref={ref} autoPlay />;
  return (
    <video
      ref={(el) => {
        (ref as { current: HTMLVideoElement | null }).current = el;
        videoRef?.(el);
      }}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
    />
  );
}

const QUALITY_TEXT = {
  good: ['网络良好', 'Good network'],
  fair: ['网络一般', 'Fair network'],
  poor: ['网络较差', 'Poor network'],
  none: ['暂无数据', 'No data yet'],
} as const;

/**
 * 通话画面: a tile per participant (camera), the document camera large when someone shares one,
 * the active speaker outlined, mute and camera toggles, network quality and the reconnecting state.
 */
export function CallView({
  call,
  local,
  localDocument,
  side,
  below,
  onLeave,
  onVideoElement,
}: {
  call: Call;
  local: MediaStream;
  /** The document camera this desk publishes, shown so the clerk sees what the reviewer sees. */
  localDocument?: MediaStreamTrack | null;
  /** The panel next to the video (checklist, decision). */
  side?: ReactNode;
  /** Under the video, across the wide column: the shared materials, which need the room. */
  below?: ReactNode;
  onLeave(): void;
  /** Lets the reviewer's snapshot tool find the video elements by source. */
  onVideoElement?: (key: string, el: HTMLVideoElement | null) => void;
}) {
  const { t } = useI18n();
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const peerOf = (peerId: string) => call.peers.find((p) => p.peerId === peerId);
  const peerName = (peerId: string) => peerOf(peerId)?.displayName ?? t('参会人', 'Participant');
  const videos = call.tracks.filter((x) => x.kind === 'video');
  const documents = videos.filter((x) => x.source === 'document');
  const cameras = videos.filter((x) => x.source === 'camera');
  const audios = call.tracks.filter((x) => x.kind === 'audio');
  const localVideo = local.getVideoTracks()[0];

  const qualityText = (q: Quality) => t(QUALITY_TEXT[q][0], QUALITY_TEXT[q][1]);

  const toggle = (kind: 'microphone' | 'camera') => {
    const on = kind === 'microphone' ? !micOn : !camOn;
    for (const tr of kind === 'microphone' ? local.getAudioTracks() : local.getVideoTracks()) tr.enabled = on;
    (kind === 'microphone' ? setMicOn : setCamOn)(on);
    void call.client?.setPaused(kind, !on);
  };

  const tile = (x: RemoteTrack, big = false) => (
    <figure
      key={x.consumerId}
      className={['call-tile', big ? 'call-tile-big' : '', call.activeSpeaker === x.peerId && !big ? 'call-tile-speaking' : ''].join(' ')}
      data-source={x.source}
      data-peer-role={peerOf(x.peerId)?.role}
    >
      <TrackMedia track={x.track} label={peerName(x.peerId)} videoRef={(el) => onVideoElement?.(`${x.peerId}:${x.source}`, el)} />
      <figcaption>
        {peerName(x.peerId)}
        {x.source === 'document' && ` · ${t('高拍仪', 'Document camera')}`}
        {x.paused && ` · ${t('已关闭摄像头', 'camera off')}`}
        {!big && <span data-testid="peer-network-quality"> · {qualityText(call.peerQuality.get(x.peerId)?.quality ?? 'none')}</span>}
      </figcaption>
    </figure>
  );

  return (
    <div className={side ? 'call-layout' : 'call-layout call-layout-single'}>
      <div className="call-main">
        {call.session?.recording && (
          // Everyone on camera must see that they are being recorded.
          <p role="status" data-testid="recording-indicator">
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
        {documents.map((x) => tile(x, true))}
        <div className="call-grid">
          {cameras.map((x) => tile(x))}
          {localDocument && (
            <figure className="call-tile call-tile-self" data-source="local-document">
              <TrackMedia track={localDocument} muted label={t('我的高拍仪', 'My document camera')} />
              <figcaption>{t('我的高拍仪', 'My document camera')}</figcaption>
            </figure>
          )}
          {localVideo && (
            <figure className="call-tile call-tile-self">
              <TrackMedia track={localVideo} muted label={t('我', 'Me')} />
              <figcaption>{t('我', 'Me')}</figcaption>
            </figure>
          )}
        </div>
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
        {below}
      </div>
      {side && <aside className="call-side">{side}</aside>}
    </div>
  );
}

function participants(peers: PeerView[], t: (zh: string, en: string) => string): string {
  if (peers.length === 0) return t('等待对方进入…', 'Waiting for the others…');
  return t(`在线：${peers.map((p) => p.displayName).join('、')}`, `Online: ${peers.map((p) => p.displayName).join(', ')}`);
}
