import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import type { ServiceItem } from '@tongban/shared';
import type { RemoteCallTicket } from '@tongban/shared/review/grantAccess';
import type { ReviewSessionView } from '@tongban/shared/review/session';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { Alert, PageHeader } from '../../ui';
import { OriginalCheckBadge } from '../originals/OriginalCheck';
import { ReviewCall } from './CallPage';
import type { SlotChoice } from './DecisionForm';
import { DeviceSetup, type DeviceSetupResult } from './DeviceSetup';
import { remoteMaterials, remoteReviewActions, remoteSession, type SharedMaterials } from './reviewActions';
import { PeerSiteCredential } from './rtc/signalling';
import { ticketFor } from './remoteReviewApi';

interface Loaded {
  ticket: RemoteCallTicket;
  session: ReviewSessionView;
  shared: SharedMaterials;
  slots: SlotChoice[];
}

/**
 * /remote-call/:sessionId — the handling site's reviewer in a co-review requested at a peer site:
 * the call on that site's signalling and SFU, its materials and checklist through the join grant,
 * the decision recorded here and sent there signed. Logged in here only.
 */
export default function RemoteCallPage() {
  const { sessionId = '' } = useParams();
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [media, setMedia] = useState<DeviceSetupResult | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const ticket = await ticketFor(sessionId);
        const [session, shared, item] = await Promise.all([
          remoteSession(ticket),
          remoteMaterials(ticket),
          // The item's slots from this site's own catalogue; without it, the slots the case has materials in.
          api.get<{ item: ServiceItem }>(`/api/catalog/items/${encodeURIComponent(ticket.itemCode)}`).catch(() => null),
        ]);
        if (live) setLoaded({ ticket, session, shared, slots: item?.item.materials ?? slotsOf(shared) });
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [sessionId]);

  const ticket = loaded?.ticket;
  const actions = useMemo(() => ticket && remoteReviewActions(ticket), [ticket]);
  const peer = useMemo(() => ticket && new PeerSiteCredential(ticket.intakeUrl, ticket.grant), [ticket]);

  if (error) return <Alert tone="block">{errorText(error)}</Alert>;
  if (!loaded || !actions || !peer) return <p className="muted">{t('正在接入对方站点…', 'Connecting to the other site…')}</p>;
  return (
    <>
      <PageHeader
        title={t(`跨站视频会审 · ${loaded.ticket.caseNo}`, `Cross-site video review · ${loaded.ticket.caseNo}`)}
        subtitle={t(`受理站点：${loaded.ticket.intakeSiteName}`, `Intake site: ${loaded.ticket.intakeSiteName}`)}
      />
      {media ? (
        <ReviewCall
          sessionId={sessionId}
          peer={peer}
          media={media}
          isReviewer
          actions={actions}
          shared={loaded.shared}
          slots={loaded.slots}
          initial={loaded.session}
          onLeave={() => void navigate('/queue')}
          materialTools={(m) => m.originalCheck && <OriginalCheckBadge check={m.originalCheck} />}
        />
      ) : (
        <DeviceSetup onJoin={setMedia} allowDocumentCamera={false} joinLabel={t('进入会审', 'Join')} peer={peer} />
      )}
    </>
  );
}

/** Slots named by the case's own materials (their codes), when this site's catalogue does not know the item. */
function slotsOf(shared: SharedMaterials): SlotChoice[] {
  return [...new Set(shared.materials.map((m) => m.slotCode))].map((code) => ({ code, name: code }));
}
