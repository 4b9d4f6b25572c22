import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { ReceivingView } from '@tongban/shared/handoff/receiving';
import { useApiData } from '../../api/useApiData';
import { useOffices } from '../../api/reference';
import { useAuth } from '../../auth/AuthContext';
import { localName } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, PageHeader, StateBadge, TextField } from '../../ui';
import { COURIERS, CourierFields } from './CourierFields';
import { EnvelopeFacts } from './EnvelopeFacts';
import { handoffApi } from './handoffApi';
import { QrCameraScanner } from './QrCameraScanner';
import './handoff.css';

/**
 * 收件签收: the handling office's desk for what arrives by courier. The cover sheet's QR is read by
 * the webcam, or by a barcode scanner that types it into the focused field and presses Enter, or
 * the case number is typed; the case and its envelope show, the clerk signs for it (checking the
 * waybill) and starts handling, and the result is then recorded on the case page.
 */
export default function ReceivingPage() {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const { officeName } = useOffices();
  const [params, setParams] = useSearchParams();
  const code = params.get('code') ?? '';
  const [text, setText] = useState(code);
  const [camera, setCamera] = useState(false);
  const found = useApiData<ReceivingView>(code ? handoffApi.receivingPath(code) : null);
  // What 签收 or 开始办理 answered, until the next look-up.
  const [changed, setChanged] = useState<ReceivingView>();
  const form = useRef<HTMLFormElement>(null);

  const lookUp = (value: string) => {
    const next = value.trim();
    if (!next) return;
    setText(next);
    setCamera(false);
    setChanged(undefined);
    if (next === code) found.reload();
    else setParams({ code: next });
    // A barcode scanner types into whatever has focus: the field again, and the next scan replaces this one.
    const field = form.current?.elements.namedItem('code');
    if (field instanceof HTMLInputElement) {
      field.focus();
      field.select();
    }
  };

  const settled = !found.loading;
  const view = changed ?? (settled && !found.error ? found.data : undefined);

  return (
    <>
      <PageHeader
        title={t('收件签收', 'Receiving')}
        subtitle={
          user
            ? t(
                `${officeName(user.officeId)}：签收邮寄送达的交接材料`,
                `${officeName(user.officeId)}: sign for handoffs that arrive by courier`,
              )
            : undefined
        }
      />
      <Card title={t('扫描交接单或输入办件编号', 'Scan the cover sheet or type the case number')}>
        <form
          ref={form}
          className="receiving-lookup"
          onSubmit={(e) => {
            e.preventDefault();
            lookUp(text);
          }}
        >
          <TextField
            name="code"
            // The scanner types into the focused field, so the page starts there.
            autoFocus
            label={t('交接单二维码或办件编号', 'Cover sheet QR code or case number')}
            hint={t(
              '扫码枪扫描交接单右上角的二维码即可；也可输入办件编号后按回车。',
              'Scan the QR code at the top right of the cover sheet with a barcode scanner, or type the case number and press Enter.',
            )}
            value={text}
            onChange={(e) => setText(e.target.value)}
            error={settled && found.error !== undefined ? errorText(found.error) : undefined}
            autoComplete="off"
            spellCheck={false}
          />
          <div className="handoff-actions">
            <Button type="submit" variant="primary" busy={found.loading && !!code}>
              {t('查找', 'Look up')}
            </Button>
            <Button aria-pressed={camera} onClick={() => setCamera(!camera)}>
              {camera ? t('关闭摄像头', 'Close the camera') : t('用摄像头扫描', 'Scan with the camera')}
            </Button>
          </div>
        </form>
        {camera && <QrCameraScanner onCode={lookUp} />}
      </Card>
      {view && <ReceivingCase view={view} onChanged={setChanged} />}
    </>
  );
}

function ReceivingCase({ view, onChanged }: { view: ReceivingView; onChanged: (v: ReceivingView) => void }) {
  const { t, lang, errorText } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const c = view.case;
  const e = view.envelope;
  const toSign = e !== null && e.status !== 'received';

  const start = () => {
    setBusy(true);
    setError(null);
    handoffApi
      .startHandling(c.id)
      .then(onChanged)
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setBusy(false));
  };

  return (
    <Card title={t(`办件 ${c.caseNo}`, `Case ${c.caseNo}`)}>
      {view.coverSheetChecked && (
        <Alert tone="ok">{t('交接单二维码与本站收到的转递包一致。', 'The cover sheet’s QR code matches the handoff bag held here.')}</Alert>
      )}
      <dl className="handoff-facts">
        <dt>{t('事项', 'Service item')}</dt>
        <dd>{lang === 'en' ? (c.itemNameEn ?? c.itemName) : c.itemName}</dd>
        <dt>{t('申请人', 'Applicant')}</dt>
        <dd>
          {c.applicantName} <span className="mono">{c.applicantIdMasked}</span>
        </dd>
        <dt>{t('收件单位', 'Intake office')}</dt>
        <dd>{c.intakeOfficeName}</dd>
        <dt>{t('办理单位', 'Handling office')}</dt>
        <dd>{c.handlingOfficeName}</dd>
        <dt>{t('办件状态', 'State')}</dt>
        <dd>
          <StateBadge state={c.state} />
        </dd>
        <dt>{t('转递方式', 'Mode')}</dt>
        <dd>
          {view.mode === 'courier'
            ? t('邮寄交接单及纸质原件', 'Cover sheet and paper originals by courier')
            : e
              ? t('网上转递，纸质原件另行邮寄', 'Online transfer, paper originals by courier')
              : t('网上转递（无需邮寄原件）', 'Online transfer (no paper originals)')}
        </dd>
      </dl>
      {e && <EnvelopeFacts envelope={e} />}
      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">{t('申请材料', 'Materials')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('材料', 'Material')}</th>
              <th scope="col">{t('纸质原件', 'Paper original')}</th>
              <th scope="col">{t('份数', 'Copies')}</th>
              <th scope="col">{t('页数', 'Pages')}</th>
              <th scope="col">{t('电子件', 'Scans')}</th>
            </tr>
          </thead>
          <tbody>
            {view.materials.map((m) => (
              <tr key={m.code}>
                <td>{localName(m, lang)}</td>
                <td>{m.original ? t('随件邮寄', 'In the envelope') : t('不邮寄', 'Not mailed')}</td>
                <td>{m.copies}</td>
                <td>{m.pages}</td>
                <td>{m.scans}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {toSign && <SignForm key={c.id} view={view} onSigned={onChanged} />}
      {!toSign && c.state === 'handed_off' && (
        <div className="handoff-actions">
          <Button variant="primary" busy={busy} onClick={start}>
            {t('开始办理', 'Start handling')}
          </Button>
        </div>
      )}
      {error && <Alert tone="block">{error}</Alert>}
      {c.state === 'in_handling' && (
        <Alert tone="ok" title={t('办件已在办理中', 'The case is in handling')}>
          <Link className="btn btn-primary" to={`/cases/${encodeURIComponent(c.id)}`}>
            {t('填写办理结果', 'Record the result')}
          </Link>
        </Alert>
      )}
      {(c.state === 'completed' || c.state === 'rated') && (
        <p>
          <Link to={`/cases/${encodeURIComponent(c.id)}`}>{t('查看办件', 'Open the case')}</Link>
        </p>
      )}
    </Card>
  );
}

/** 签收: the waybill on the envelope, scanned or typed, against the one the window recorded. */
function SignForm({ view, onSigned }: { view: ReceivingView; onSigned: (v: ReceivingView) => void }) {
  const { t, errorText } = useI18n();
  const known = view.envelope!;
  const [courierCompany, setCourier] = useState(known.courierCompany ?? COURIERS[0]!);
  const [waybillNo, setWaybill] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="handoff-actions"
      aria-label={t('签收', 'Sign for it')}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        handoffApi
          .signEnvelope(view.case.id, { courierCompany, waybillNo: waybillNo.trim() })
          .then(onSigned)
          .catch((err: unknown) => setError(errorText(err)))
          .finally(() => setBusy(false));
      }}
    >
      <CourierFields
        courierCompany={courierCompany}
        onCourier={setCourier}
        companyFixed={known.courierCompany !== null}
        waybillNo={waybillNo}
        onWaybill={setWaybill}
        waybillLabel={
          known.waybillNo
            ? t('核对运单号（扫描或输入信封上的运单号）', 'Check the waybill (scan or type the number on the envelope)')
            : t('信封上的运单号', 'Waybill on the envelope')
        }
        waybillError={error}
      />
      <Button type="submit" variant="primary" busy={busy} disabled={!waybillNo.trim()}>
        {view.mode === 'courier' ? t('签收', 'Sign for it') : t('签收原件', 'Sign for the originals')}
      </Button>
    </form>
  );
}
