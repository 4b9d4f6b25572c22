import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { CaseDetailResponse, MaterialView } from '@tongban/shared';
import { can } from '@tongban/shared/cases/access';
import type { CasePrecheckResponse } from '@tongban/shared/precheck/api';
import { DECISION_LABELS, type ReviewSessionView } from '@tongban/shared/review/session';
import { api } from '../../api/client';
import { useCaseChanges } from '../../api/caseChanges';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';
import { Alert, Card, PageHeader } from '../../ui';
import { OriginalCheck } from '../originals/OriginalCheck';
import { SignatureFacts } from '../signature/SignatureFacts';
import { CallView } from './CallView';
import { DeviceSetup, type DeviceSetupResult } from './DeviceSetup';
import { SharedMaterialsViewer } from './SharedMaterialsViewer';
import { CorrectionRound } from '../correction/CorrectionRound';
import { DecisionForm, type MarkItem, type SlotChoice } from './DecisionForm';
import { ANNOTATION_KIND_LABELS, type AnnotationView } from '@tongban/shared/annotations/annotations';
import { peerRoleLabel } from './format';
import { ReviewerTools, type VideoSource } from './ReviewerTools';
import { reviewApi } from './reviewApi';
import { localReviewActions, type ReviewActions, type SharedMaterials } from './reviewActions';
import type { RemoteTrack } from './rtc/CallClient';
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

  // A scan checked against its original during the call (or any other change to the scans) reaches both desks at once.
  const caseId = detail?.case.id ?? '';
  const reloadDetail = useCallback(() => {
    if (caseId) api.get<CaseDetailResponse>(`/api/cases/${encodeURIComponent(caseId)}`).then(setDetail, () => undefined);
  }, [caseId]);
  useCaseChanges(caseId, (e) => {
    if (!e || e.kinds.includes('materials')) reloadDetail();
  });

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
          materialTools={(m) => (
            <OriginalCheck material={m} caseView={detail.case} defaultMethod="call_document_camera" onChanged={reloadDetail} />
          )}
          slots={detail.item.materials}
          correctionRound={<CorrectionRound detail={detail} contentPath={actions.images.contentPath} />}
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
 * checklist and decision — one screen for a session at this site and at a peer site (`peer`,
 * `actions` remote).
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
  materialTools,
  correctionRound,
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
  /** Beside the material on view: its 已核验原件 mark (and, for the window, the control recording it). */
  materialTools: (m: MaterialView) => ReactNode;
  /** After 补正: the corrected materials, replaced and new side by side, for the reviewer. */
  correctionRound?: ReactNode;
}) {
  const { t, lang } = useI18n();
  const call = useCall({ sessionId, ...(peer ? { peer } : {}), local: media.stream, documentTrack: media.documentTrack });
  const session = call.session ?? initial;

  const ownTracks = useMemo(() => [...media.stream.getTracks(), ...(media.documentTrack ? [media.documentTrack] : [])], [media]);
  useStopOnUnmount(ownTracks);

  // The remote videos by who is on them (申请人 · 摄像头): the applicant's first, then each desk's camera before its document camera.
  const role = (peerId: string) => call.peers.find((p) => p.peerId === peerId)?.role;
  const rank = (x: RemoteTrack) => (role(x.peerId) === 'applicant' ? 0 : 2) + (x.source === 'document' ? 1 : 0);
  const sources: VideoSource[] = call.tracks
    .filter((x) => x.kind === 'video')
    .sort((a, b) => rank(a) - rank(b))
    .map((x) => ({
      key: `${x.peerId}:${x.source}`,
      consumerId: x.consumerId,
      label: `${peerRoleLabel(role(x.peerId), lang)} · ${x.source === 'document' ? t('高拍仪', 'document camera') : t('摄像头', 'camera')}`,
      track: x.track,
      source: x.source,
      ...(x.captureSize ? { captureSize: x.captureSize } : {}),
    }));
  const deciding = isReviewer && !session.decision;
  // 转为补正事项: a mark becomes an item of the 补正 list in one click — its material's slot, its note as the reason.
  const [markItems, setMarkItems] = useState<MarkItem[]>([]);
  // An item whose mark was taken back is no longer in the list (the server would refuse it).
  const liveItems = markItems.filter((i) => call.annotations.marks.some((m) => m.id === i.annotationId));
  const toCorrection = (mark: AnnotationView) => {
    const slotCode = shared.materials.find((m) => m.id === mark.materialId)?.slotCode;
    if (!slotCode || liveItems.some((i) => i.annotationId === mark.id)) return;
    const kind = ANNOTATION_KIND_LABELS[mark.kind];
    setMarkItems([
      ...liveItems,
      {
        annotationId: mark.id,
        slotCode,
        reason: mark.note ?? '',
        where: lang === 'zh' ? `第 ${mark.page} 页 · ${kind.zh}` : `page ${mark.page} · ${kind.en.toLowerCase()}`,
      },
    ]);
  };
  const client = call.client;
  const focus = async (consumerId: string): Promise<() => Promise<void>> =>
    call.client ? call.client.focus(consumerId) : async () => undefined;

  // Beside the video, in the order of the work: verify, read the materials, decide.
  const work = (
    <>
      {session.decision && (
        <Alert tone={session.decision.outcome === 'accept' ? 'ok' : 'warn'} title={t('审查结论已作出', 'Decision made')}>
          <span data-testid="call-decision">
            {t(DECISION_LABELS[session.decision.outcome].zh, DECISION_LABELS[session.decision.outcome].en)}
            {session.decision.outcome === 'reject' && `：${session.decision.reason}`}
            {session.decision.outcome === 'request_correction' &&
              `：${session.decision.items.map((i) => `${slots.find((m) => m.code === i.slotCode)?.name ?? i.slotCode}（${i.reason}）`).join('；')}`}
          </span>
        </Alert>
      )}
      {deciding && <ReviewerTools actions={actions} session={session} sources={sources} focus={focus} />}
      {deciding && correctionRound}
      <Card title={t('申请人签名', 'Applicant’s signature')} className="call-signature">
        {session.signature ? (
          <SignatureFacts
            signature={session.signature}
            {...(actions.signatureUrl ? { imageUrl: actions.signatureUrl(session.signature.imageSha256) } : {})}
          />
        ) : (
          <p className="muted" data-testid="signature-none">
            {t(
              '申请人尚未签署承诺书；核验完成后，申请人可在手机上签名。',
              'The applicant has not signed the declaration yet; they can sign on their phone once the checks are done.',
            )}
          </p>
        )}
      </Card>
      <SharedMaterialsViewer
        images={actions.images}
        materials={shared.materials}
        precheck={shared.precheck}
        remote={call.viewer}
        onChange={(v) => void call.client?.updateViewer(v).catch(() => undefined)}
        materialTools={materialTools}
        annotations={{
          marks: call.annotations.marks,
          own: call.annotations.own,
          add: (req) => (client ? client.addAnnotation(req) : Promise.reject(new Error('not in the call'))),
          remove: (id) => (client ? client.removeAnnotation(id) : Promise.resolve()),
          ...(deciding ? { toCorrection, taken: new Set(liveItems.map((i) => i.annotationId)) } : {}),
        }}
      />
      {deciding && (
        <DecisionForm
          actions={actions}
          open={session.status === 'active'}
          materials={slots}
          markItems={liveItems}
          onMarkItems={setMarkItems}
        />
      )}
    </>
  );
  return <CallView call={call} local={media.stream} localDocument={media.documentTrack} work={work} onLeave={onLeave} />;
}
