import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { CaseDetailResponse } from '@tongban/shared';
import { can } from '@tongban/shared/cases/access';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';
import { DECISION_LABELS, type ReviewSessionView } from '@tongban/shared/review/session';
import { api } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { Alert, PageHeader } from '../../ui';
import { CallView } from './CallView';
import { DeviceSetup, type DeviceSetupResult } from './DeviceSetup';
import { SharedMaterialsViewer } from './SharedMaterialsViewer';
import { ReviewerTools, type SlotChoice } from './ReviewerTools';
import { reviewApi } from './reviewApi';
import { localReviewActions, type ReviewActions, type SharedMaterials } from './reviewActions';
import type { PeerSiteCredential } from './rtc/signalling';
import { useCall } from './useCall';
import { useStopOnUnmount } from './useStopOnUnmount';

/** /call/:sessionId — the clerk's and the reviewer's desk for one co-review session. */
export default function CallPage() {
  const { sessionId = '' } = useParams();
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const [session, setSession] = useState<ReviewSessionView | null>(null);
  const [detail, setDetail] = useState<CaseDetailResponse | null>(null);
  const [precheck, setPrecheck] = useState<CasePrecheckResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [media, setMedia] = useState<DeviceSetupResult | null>(null);
  const navigate = useNavigate();
  const actions = useMemo(() => session && localReviewActions(session), [session]);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const s = await reviewApi.get(sessionId);
        const d = await api.get<CaseDetailResponse>(`/api/cases/${encodeURIComponent(s.caseId)}`);
        if (!live) return;
        setSession(s);
        setDetail(d);
        // Highlights are a help, not a must: the call works without the pre-check view.
        setPrecheck(await api.get<CasePrecheckResponse>(`/api/cases/${encodeURIComponent(s.caseId)}/precheck`).catch(() => null));
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [sessionId]);

  if (error) return <Alert tone="block">{errorText(error)}</Alert>;
  if (!session || !actions || !detail || !user) return <p className="muted">{t('正在加载…', 'Loading…')}</p>;
  const isReviewer = can(user, 'review.verify', detail.case);
  return (
    <>
      <PageHeader
        title={t(`视频会审 · ${session.caseNo}`, `Video review · ${session.caseNo}`)}
        subtitle={`${detail.item.name} · ${detail.case.applicant.name}`}
      />
      {media ? (
        <ReviewCall
          sessionId={sessionId}
          media={media}
          isReviewer={isReviewer}
          actions={actions}
          shared={{ caseId: detail.case.id, materials: detail.materials, precheck }}
          slots={detail.item.materials}
          initial={session}
          onLeave={() => void navigate(`/cases/${detail.case.id}`)}
        />
      ) : (
        <DeviceSetup onJoin={setMedia} allowDocumentCamera={!isReviewer} joinLabel={t('进入会审', 'Join')} />
      )}
    </>
  );
}

/**
 * The call screen of a co-review desk: the video, the shared materials and (for the reviewer) the
 * checklist and decision — for a session at this site, or at a peer site (`peer`, `actions` remote).
 */
export function ReviewCall({
  sessionId,
  peer,
  media,
  isReviewer,
  actions,
  shared,
  slots,
  initial,
  onLeave,
}: {
  sessionId: string;
  peer?: PeerSiteCredential;
  media: DeviceSetupResult;
  isReviewer: boolean;
  actions: ReviewActions;
  shared: SharedMaterials;
  /** The item's material slots, for choosing what to correct. */
  slots: SlotChoice[];
  initial: ReviewSessionView;
  onLeave(): void;
}) {
  const { t } = useI18n();
  const call = useCall({ sessionId, ...(peer ? { peer } : {}), local: media.stream, documentTrack: media.documentTrack });
  const session = call.session ?? initial;
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const onVideoElement = useCallback((key: string, el: HTMLVideoElement | null) => {
    if (el) videos.current.set(key, el);
    else videos.current.delete(key);
  }, []);

  const ownTracks = useMemo(() => [...media.stream.getTracks(), ...(media.documentTrack ? [media.documentTrack] : [])], [media]);
  useStopOnUnmount(ownTracks);

  const name = (peerId: string) => call.peers.find((p) => p.peerId === peerId)?.displayName ?? t('参会人', 'Participant');
  const sources = call.tracks
    .filter((x) => x.kind === 'video')
    .map((x) => ({
      key: `${x.peerId}:${x.source}`,
      label: `${name(x.peerId)} · ${x.source === 'document' ? t('高拍仪', 'document camera') : t('摄像头', 'camera')}`,
    }));
  // The applicant's own camera first (joined by phone), then the window's camera that faces them.
  const role = (peerId: string) => call.peers.find((p) => p.peerId === peerId)?.role;
  const faces = call.tracks
    .filter((x) => x.kind === 'video' && x.source === 'camera')
    .sort((a, b) => Number(role(b.peerId) === 'applicant') - Number(role(a.peerId) === 'applicant'))
    .map((x) => ({ key: `${x.peerId}:${x.source}`, label: `${name(x.peerId)} · ${t('摄像头', 'camera')}`, track: x.track }));

  // The clerk's desk has nothing beside the video until the decision arrives: the video and the materials take the width.
  const side = (isReviewer || session.decision) && (
    <>
      {session.decision && (
        <Alert tone={session.decision.outcome === 'accept' ? 'ok' : 'warn'} title={t('审查结论已作出', 'Decision made')}>
          <span data-testid="call-decision">
            {t(DECISION_LABELS[session.decision.outcome].zh, DECISION_LABELS[session.decision.outcome].en)}
            {session.decision.outcome === 'reject' && `：${session.decision.reason}`}
            {session.decision.outcome === 'request_correction' &&
              `：${session.decision.items.map((i) => `${i.slotCode}（${i.reason}）`).join('；')}`}
          </span>
        </Alert>
      )}
      {isReviewer && (
        <ReviewerTools
          actions={actions}
          session={session}
          sources={sources}
          frameOf={(k) => videos.current.get(k)}
          faces={faces}
          materials={slots}
        />
      )}
    </>
  );
  return (
    <CallView
      call={call}
      local={media.stream}
      localDocument={media.documentTrack}
      side={side || undefined}
      below={
        <SharedMaterialsViewer
          images={actions.images}
          materials={shared.materials}
          precheck={shared.precheck}
          remote={call.viewer}
          onChange={(v) => void call.client?.updateViewer(v).catch(() => undefined)}
        />
      }
      onVideoElement={onVideoElement}
      onLeave={onLeave}
    />
  );
}
