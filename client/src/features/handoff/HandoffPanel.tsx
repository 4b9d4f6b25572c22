import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import QRCode from 'qrcode';
import type { ServiceItem } from '@tongban/shared';
import type { HandoffStatusView } from '@tongban/shared/handoff/schemas';
import { ratingLevel } from '@tongban/shared/handoff/schemas';
import { isReceivedByTransfer } from '@tongban/shared/handoff/received';
import { can, caseSides } from '@tongban/shared/cases/access';
import { useAuth } from '../../auth/AuthContext';
import type { CasePanelProps } from '../panelProps';
import { useApiData } from '../../api/useApiData';
import { useCaseChanges } from '../../api/caseChanges';
import { getSocket } from '../../api/socket';
import { formatDateTime, localName } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, ProgressBar, Select, TextField } from '../../ui';
import { COURIERS, CourierFields } from './CourierFields';
import { EnvelopeFacts } from './EnvelopeFacts';
import { handoffApi } from './handoffApi';
import { RatingPad } from './RatingPad';
import { ReceivedReview } from './ReceivedReview';
import './handoff.css';

interface Progress {
  caseId: string;
  bytesDone: number;
  bytesTotal: number;
}

/**
 * 转递 · 办结 · 评价 on the case detail page. Intake window: hand off online or by courier
 * (with the printable 交接单), and record the paper originals' mailing; both sides: the envelope's
 * 待寄出 / 已寄出 / 已签收; handling office: the way to the receiving desk to sign for it, then the
 * result; window again: how the result reaches the applicant, and the applicant's rating on this
 * screen or their phone.
 */
export default function HandoffPanel({ caseView, item, allowedActions, canSeeFiles, onChanged }: CasePanelProps) {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const status = useApiData<HandoffStatusView>(handoffApi.statusPath(caseView.id));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  // The transfer, the result and its delivery change at the other office too; scans and the
  // pre-check do not touch the handoff (null: the socket reconnected, so catch up).
  useCaseChanges(caseView.id, (e) => {
    if (!e || e.kinds.some((k) => k !== 'materials' && k !== 'precheck')) status.reload();
  });

  useEffect(() => {
    const socket = getSocket();
    const on = (p: Progress) => p.caseId === caseView.id && setProgress(p);
    socket.on('handoff:progress', on);
    return () => {
      socket.off('handoff:progress', on);
    };
  }, [caseView.id]);

  const run = (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    fn()
      .then(() => {
        status.reload();
        onChanged();
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => {
        setBusy(false);
        setProgress(null);
      });
  };
  const s = status.data;
  const handlingSide = !!user && caseSides(user, caseView).includes('handling');
  const intakeSide = !!user && caseSides(user, caseView).includes('intake') && can(user, 'handoff.send');

  return (
    <Card title={t('转递与办结', 'Handoff and result')}>
      {status.error !== undefined && <Alert tone="block">{errorText(status.error)}</Alert>}
      {error && <Alert tone="block">{error}</Alert>}
      {progress && busy && (
        <ProgressBar
          value={progress.bytesTotal ? progress.bytesDone / progress.bytesTotal : 0}
          label={t('正在生成转递包', 'Building the handoff bag')}
        />
      )}
      {allowedActions.includes('hand_off') && <HandOffForms caseId={caseView.id} item={item} busy={busy} run={run} />}
      {s?.handoff && <HandoffFacts caseId={caseView.id} s={s} canSeeFiles={canSeeFiles} />}
      {s?.handoff?.mode === 'courier' &&
        s.handlingAtPeerSite &&
        s.transfer?.receipt == null &&
        intakeSide &&
        caseView.state === 'handed_off' && (
          // The paper is on its way, but the peer site learns of the case only from its record online.
          <div className="handoff-actions">
            <p>
              {t(
                '办理地在其他省份的站点：邮寄的材料到达前，请把办件记录网上转递过去，对方才能签收。',
                'The handling office is at another province’s site: send the case record online so it can sign for the mailed papers.',
              )}
            </p>
            <Button variant="primary" busy={busy} onClick={() => run(() => handoffApi.transfer(caseView.id))}>
              {t('网上转递办件记录', 'Send the record online')}
            </Button>
          </div>
        )}
      {s?.envelope && <EnvelopeFacts envelope={s.envelope} />}
      {s?.envelope?.status === 'pending' && !!user && can(user, 'handoff.mailOriginals', caseView) && (
        <MailOriginalsForm caseId={caseView.id} busy={busy} run={run} />
      )}
      {handlingSide && (caseView.state === 'handed_off' || (s?.envelope && s.envelope.status !== 'received')) && (
        <p>
          <Link className="btn btn-primary" to={`/receiving?code=${encodeURIComponent(caseView.caseNo)}`}>
            {caseView.state === 'handed_off'
              ? t('签收并开始办理', 'Sign for it and start handling')
              : t('签收原件', 'Sign for the originals')}
          </Link>
        </p>
      )}
      {s && isReceivedByTransfer(s) && canSeeFiles && <ReceivedReview caseId={caseView.id} />}
      {/* From 已转递 on: recording the result starts the handling (the access table's rule, as the workspace's 录入办理结果). */}
      {user && can(user, 'result.record', caseView) && <ResultForm caseId={caseView.id} busy={busy} run={run} />}
      {s?.result && (
        <ResultFacts
          caseId={caseView.id}
          s={s}
          canResend={!!user && can(user, 'result.resend', caseView)}
          handlingSide={handlingSide}
          busy={busy}
          run={run}
        />
      )}
      {allowedActions.includes('rate') && !s?.rating && <RatingChoice caseId={caseView.id} run={run} />}
      {s?.rating && (
        <Alert tone={s.rating.level >= 3 ? 'ok' : 'warn'}>
          {s.rating.kind === 'default'
            ? t('逾期未评价，按规定默认', 'Not rated in time; by the rules recorded as')
            : t('申请人评价', 'Applicant rating')}
          : {t(...levelLabel(s.rating.level))}
          {s.rating.comment ? ` — ${s.rating.comment}` : ''}
          {s.rating.appended && (
            <>
              <br />
              {t('追评', 'Follow-up comment')}: {s.rating.appended}
            </>
          )}
        </Alert>
      )}
      {s?.rating?.kind === 'applicant' && !s.rating.appended && user && can(user, 'rating.append', caseView) && (
        <AppendRatingForm caseId={caseView.id} busy={busy} run={run} />
      )}
    </Card>
  );
}

function levelLabel(level: number): [string, string] {
  const l = ratingLevel(level);
  return l ? [l.zh, l.en] : [String(level), String(level)];
}

type Run = (fn: () => Promise<unknown>) => void;

/**
 * 网上转递, or 邮寄 with the cover sheet; when the item's originals must travel (原件需邮寄), the
 * online transfer can record their courier and waybill at once, so they travel in the bag.
 */
function HandOffForms({ caseId, item, busy, run }: { caseId: string; item: ServiceItem; busy: boolean; run: Run }) {
  const { t, lang } = useI18n();
  const [courierCompany, setCourier] = useState(COURIERS[0]!);
  const [waybillNo, setWaybill] = useState('');
  const originals = item.materials.filter((m) => m.originalByCourier);
  return (
    <>
      <p>{t('办件已受理，请选择转递方式：', 'The case is accepted; choose how to hand it off:')}</p>
      <div className="handoff-actions">
        <Button variant="primary" busy={busy} onClick={() => run(() => handoffApi.transfer(caseId))}>
          {t('网上转递到办理地', 'Transfer online to the handling office')}
        </Button>
      </div>
      <form
        className="handoff-actions"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => handoffApi.courier(caseId, { courierCompany, waybillNo: waybillNo.trim() }));
        }}
      >
        <CourierFields courierCompany={courierCompany} onCourier={setCourier} waybillNo={waybillNo} onWaybill={setWaybill} />
        <Button type="submit" busy={busy} disabled={!waybillNo.trim()}>
          {t('邮寄原件并转递', 'Send originals by courier')}
        </Button>
        {originals.length > 0 && (
          <Button
            variant="primary"
            busy={busy}
            disabled={!waybillNo.trim()}
            onClick={(e) => {
              if (e.currentTarget.form?.reportValidity())
                run(() => handoffApi.transfer(caseId, { originals: { courierCompany, waybillNo: waybillNo.trim() } }));
            }}
          >
            {t('网上转递并邮寄原件', 'Transfer online and mail the originals')}
          </Button>
        )}
      </form>
      {originals.length > 0 && (
        <p className="muted">
          {t('原件需邮寄：', 'Originals to mail: ')}
          {originals.map((m) => localName(m, lang)).join(t('、', ', '))}
        </p>
      )}
    </>
  );
}

/** 登记原件寄出: the case went online and its originals follow by courier. */
function MailOriginalsForm({ caseId, busy, run }: { caseId: string; busy: boolean; run: Run }) {
  const { t } = useI18n();
  const [courierCompany, setCourier] = useState(COURIERS[0]!);
  const [waybillNo, setWaybill] = useState('');
  return (
    <form
      className="handoff-actions"
      aria-label={t('登记原件寄出', 'Record the mailed originals')}
      onSubmit={(e) => {
        e.preventDefault();
        run(() => handoffApi.mailOriginals(caseId, { courierCompany, waybillNo: waybillNo.trim() }));
      }}
    >
      <CourierFields courierCompany={courierCompany} onCourier={setCourier} waybillNo={waybillNo} onWaybill={setWaybill} />
      <Button type="submit" busy={busy} disabled={!waybillNo.trim()}>
        {t('登记原件寄出', 'Record the mailed originals')}
      </Button>
    </form>
  );
}

function HandoffFacts({ caseId, s, canSeeFiles }: { caseId: string; s: HandoffStatusView; canSeeFiles: boolean }) {
  const { t, lang } = useI18n();
  const h = s.handoff!;
  return (
    <>
      <dl className="handoff-facts">
        <dt>{t('转递方式', 'Mode')}</dt>
        <dd>
          {h.mode === 'courier'
            ? t(`邮寄：${h.courierCompany} ${h.waybillNo}`, `Courier: ${h.courierCompany} ${h.waybillNo}`)
            : t('网上转递', 'Online transfer')}
        </dd>
        <dt>{t('转递包校验值', 'Bag checksum')}</dt>
        <dd>
          <code>{h.tagmanifestSha256}</code>
        </dd>
        {s.transfer && (
          <>
            <dt>{t('对方回执', 'Receipt')}</dt>
            <dd>
              {s.transfer.receipt
                ? t(
                    `${s.transfer.peerSiteName}已签收，${formatDateTime(s.transfer.receipt.receivedAt, lang)}`,
                    `Received by ${s.transfer.peerSiteName} at ${formatDateTime(s.transfer.receipt.receivedAt, lang)}`,
                  )
                : (s.transfer.error ?? t('等待回执', 'Waiting for the receipt'))}
            </dd>
          </>
        )}
      </dl>
      {canSeeFiles && (
        <div className="handoff-actions">
          <a className="btn btn-secondary" href={handoffApi.coverUrl(caseId)} target="_blank" rel="noreferrer">
            {t('打印交接单', 'Print cover sheet')}
          </a>
          <a className="btn btn-ghost" href={handoffApi.bagUrl(caseId)}>
            {t('下载转递包', 'Download bag')}
          </a>
        </div>
      )}
    </>
  );
}

function ResultForm({ caseId, busy, run }: { caseId: string; busy: boolean; run: Run }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<'approved' | 'denied'>('approved');
  const [delivery, setDelivery] = useState<'document' | 'mail'>('document');
  const [summary, setSummary] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [courierCompany, setCourier] = useState(COURIERS[0]!);
  const [waybillNo, setWaybill] = useState('');
  const [uploaded, setUploaded] = useState(0);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        run(async () => {
          const documentSha256 =
            delivery === 'document' && file ? (await handoffApi.uploadResult(caseId, file, setUploaded)).sha256 : undefined;
          await handoffApi.recordResult(caseId, {
            outcome,
            summary,
            delivery,
            ...(documentSha256 ? { documentSha256 } : {}),
            ...(delivery === 'mail' ? { courierCompany, waybillNo: waybillNo.trim() } : {}),
          });
        });
      }}
    >
      <h3>{t('办结', 'Record the result')}</h3>
      <div className="handoff-actions">
        <Select
          label={t('办理结果', 'Outcome')}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as 'approved' | 'denied')}
          options={[
            { value: 'approved', label: t('准予办理', 'Approved') },
            { value: 'denied', label: t('不予办理', 'Denied') },
          ]}
        />
        <Select
          label={t('结果送达', 'Result delivery')}
          value={delivery}
          onChange={(e) => setDelivery(e.target.value as 'document' | 'mail')}
          options={[
            { value: 'document', label: t('上传电子结果文书', 'Upload the result document') },
            { value: 'mail', label: t('纸质结果邮寄', 'Mail the paper result') },
          ]}
        />
      </div>
      <TextField label={t('结果说明', 'Summary')} value={summary} maxLength={500} onChange={(e) => setSummary(e.target.value)} />
      {delivery === 'document' ? (
        <label>
          {t('结果文书（PDF/JPG/PNG）', 'Result document (PDF/JPG/PNG)')}
          <input
            type="file"
            accept="application/pdf,image/jpeg,image/png"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            required
          />
        </label>
      ) : (
        <div className="handoff-actions">
          <CourierFields courierCompany={courierCompany} onCourier={setCourier} waybillNo={waybillNo} onWaybill={setWaybill} />
        </div>
      )}
      {busy && uploaded > 0 && uploaded < 1 && <ProgressBar value={uploaded} label={t('正在上传', 'Uploading')} />}
      <div className="handoff-actions">
        <Button variant="primary" type="submit" busy={busy}>
          {t('办结并送回收件地', 'Complete and send back')}
        </Button>
      </div>
    </form>
  );
}

function ResultFacts({
  caseId,
  s,
  canResend,
  handlingSide,
  busy,
  run,
}: {
  caseId: string;
  s: HandoffStatusView;
  canResend: boolean;
  /** The handling office, which issued the result (the window hands it to the applicant). */
  handlingSide: boolean;
  busy: boolean;
  run: Run;
}) {
  const { t } = useI18n();
  const r = s.result!;
  return (
    <>
      <Alert
        tone={r.outcome === 'approved' ? 'ok' : 'warn'}
        title={r.outcome === 'approved' ? t('已办结：准予办理', 'Completed: approved') : t('已办结：不予办理', 'Completed: denied')}
      >
        {r.summary && <p>{r.summary}</p>}
        <p>
          {r.delivery === 'document'
            ? handlingSide
              ? t(
                  r.sentAt || r.origin !== 'local'
                    ? '电子结果文书已送达收件窗口，由窗口打印交给申请人。'
                    : '电子结果文书已出具，尚未送达收件窗口。',
                  r.sentAt || r.origin !== 'local'
                    ? 'The result document has reached the intake window, which prints it for the applicant.'
                    : 'The result document is issued but has not reached the intake window yet.',
                )
              : t('电子结果文书已送达本窗口，可打印交给申请人。', 'The result document has arrived here; print it for the applicant.')
            : t(
                `纸质结果已由 ${r.courierCompany} 寄出，运单号 ${r.waybillNo}。`,
                `The paper result was mailed by ${r.courierCompany}, waybill ${r.waybillNo}.`,
              )}
        </p>
        {s.resultDeliveryOptions.length > 0 && (
          <p>
            {t('本事项结果送达方式：', 'Ways this item’s result reaches the applicant: ')}
            {s.resultDeliveryOptions.join('、')}
          </p>
        )}
      </Alert>
      <div className="handoff-actions">
        {r.documentSha256 && (
          <a className="btn btn-secondary" href={handoffApi.resultDocumentUrl(caseId)} target="_blank" rel="noreferrer">
            {t('查看结果文书', 'Open the result document')}
          </a>
        )}
        {canResend && r.origin === 'local' && !r.sentAt && (
          <Button busy={busy} onClick={() => run(() => handoffApi.resendResult(caseId))}>
            {t('重新送回收件地', 'Send the result again')}
          </Button>
        )}
      </div>
    </>
  );
}

/** The clerk turns the screen to the applicant, or shows a QR for their phone. */
function RatingChoice({ caseId, run }: { caseId: string; run: Run }) {
  const { t, errorText } = useI18n();
  const [qr, setQr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-label={t('好差评', 'Rating')}>
      <h3>{t('好差评', 'Rating')}</h3>
      <RatingPad onSubmit={async (r) => run(() => handoffApi.rateAtWindow(caseId, r))} />
      <div className="handoff-actions">
        <Button
          onClick={() => {
            handoffApi
              .ratingLink(caseId)
              .then(async (l) => setQr(await QRCode.toDataURL(`${window.location.origin}${l.path}`, { margin: 1, width: 200 })))
              .catch((e: unknown) => setError(errorText(e)));
          }}
        >
          {t('用手机评价（显示二维码）', 'Rate on a phone (show QR code)')}
        </Button>
      </div>
      {error && <Alert tone="block">{error}</Alert>}
      {qr && <img className="handoff-qr" src={qr} alt={t('评价二维码，请申请人用手机扫描', 'Rating QR code for the applicant’s phone')} />}
    </section>
  );
}

/** 追评: the applicant's one later comment, typed at the window (on the screen turned to them). */
function AppendRatingForm({ caseId, busy, run }: { caseId: string; busy: boolean; run: (fn: () => Promise<unknown>) => void }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  return (
    <form
      className="follow-up-close"
      aria-label={t('申请人追评', 'Follow-up comment')}
      onSubmit={(e) => {
        e.preventDefault();
        run(() => handoffApi.appendRating(caseId, { comment: comment.trim() }));
      }}
    >
      <TextField
        label={t('申请人追评（每个评价只能追评一次）', 'The applicant’s follow-up comment (once)')}
        value={comment}
        maxLength={500}
        onChange={(e) => setComment(e.target.value)}
      />
      <Button type="submit" busy={busy} disabled={!comment.trim()}>
        {t('提交追评', 'Add the comment')}
      </Button>
    </form>
  );
}
