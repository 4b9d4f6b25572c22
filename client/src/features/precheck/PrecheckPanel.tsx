import { useState } from 'react';
import type { CasePanelProps } from '../panelProps';
import { api, upload } from '../../api/client';
import { useI18n } from '../../i18n';
import { localName } from '../../format';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Badge, Button, Card, ProgressBar, Select, TextField, type Tone } from '../../ui';
import type { CasePrecheckResponse, MaterialPrecheckView, PrecheckFindingView } from '@tongban/shared/precheck/api';
import { FIELD_LABELS_EN } from '@tongban/shared/precheck/types';
import { can } from '@tongban/shared/cases/access';
import { usePrecheck } from './usePrecheck';
import { PageView } from './PageView';
import { CameraCapture } from './CameraCapture';
import './precheck.css';

/**
 * 智能预审 on the case detail page: a thumbnail per received scan with its pass/warn/block badge
 * and live progress, the selected page with boxes over fields and findings, correction and
 * override forms (each needs a reason; both are audited), and camera capture into a slot.
 * Reviewers see the same results read-only. 完成预审 is the case workspace's next-step button.
 */
export default function PrecheckPanel({ caseView, materials, item, canSeeFiles, onChanged }: CasePanelProps) {
  const { t, lang, errorText } = useI18n();
  const { data, setData, error, progress } = usePrecheck(caseView.id, materials.map((m) => m.id).join(','));
  const [selected, setSelected] = useState<string | null>(null);
  const [pageIndex, setPageIndex] = useState(0);
  const [highlight, setHighlight] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: Tone; text: string } | null>(null);
  const [cameraSlot, setCameraSlot] = useState('');
  const [cameraOpen, setCameraOpen] = useState(false);
  const base = `/api/cases/${encodeURIComponent(caseView.id)}`;
  const { user } = useAuth();
  // Only the intake window corrects, overrides and captures; the reviewer reads the same results.
  const mayEdit = !!user && can(user, 'precheck.edit', caseView);
  const current = data?.materials.find((m) => m.materialId === selected) ?? data?.materials[0];

  async function act(fn: () => Promise<CasePrecheckResponse | unknown>, ok: string) {
    setBusy(true);
    setMessage(null);
    try {
      const r = await fn();
      if (r && typeof r === 'object' && 'materials' in r) setData(r as CasePrecheckResponse);
      setMessage({ tone: 'ok', text: ok });
      onChanged();
    } catch (e) {
      setMessage({ tone: 'block', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="precheck-panel">
      {error ? <Alert tone="block">{errorText(error)}</Alert> : null}
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {data ? (
        <Summary data={data} mayComplete={mayEdit && caseView.state === 'draft'} />
      ) : (
        <p>{t('正在加载预审结果…', 'Loading the pre-check…')}</p>
      )}

      <ul className="precheck-thumbs" aria-label={t('已收材料', 'Received materials')}>
        {data?.materials.map((m) => {
          const p = progress[m.materialId];
          const spec = item.materials.find((s) => s.code === m.slotCode);
          const slotName = spec ? localName(spec, lang) : m.slotCode;
          return (
            <li key={m.materialId}>
              <button
                type="button"
                className="precheck-thumb"
                aria-pressed={current?.materialId === m.materialId}
                onClick={() => (setSelected(m.materialId), setPageIndex(0))}
              >
                {canSeeFiles && m.pages[0] ? (
                  <img src={m.pages[0].imageUrl} alt="" width={120} />
                ) : (
                  <span className="thumb-placeholder" aria-hidden="true" />
                )}
                <span>{slotName}</span>
                <VerdictBadge m={m} />
              </button>
              {p ? <ProgressBar value={p.progress} label={t(`${slotName} 识别进度`, `${slotName} progress`)} /> : null}
            </li>
          );
        })}
      </ul>

      {current ? (
        <Card
          title={t(`${current.fileName} 的预审结果`, `Pre-check of ${current.fileName}`)}
          actions={
            mayEdit ? (
              <Button
                onClick={() =>
                  void act(
                    () => api.post(`${base}/precheck`, { materialId: current.materialId }),
                    t('已重新开始识别', 'Recognition restarted'),
                  )
                }
              >
                {t('重新识别', 'Run again')}
              </Button>
            ) : null
          }
        >
          {current.error ? <Alert tone="block">{t(current.error.message_zh, current.error.message_en)}</Alert> : null}
          {current.pages.length > 1 ? (
            <nav aria-label={t('翻页', 'Pages')}>
              {current.pages.map((p) => (
                <Button
                  key={p.index}
                  variant={p.index === pageIndex ? 'primary' : 'ghost'}
                  onClick={() => setPageIndex(p.index)}
                  aria-current={p.index === pageIndex}
                >
                  {t(`第 ${p.index + 1} 页`, `Page ${p.index + 1}`)}
                </Button>
              ))}
            </nav>
          ) : null}
          <div className="precheck-detail">
            <PageView material={current} pageIndex={pageIndex} {...(highlight ? { highlight } : {})} />
            <div>
              <Findings
                material={current}
                mayEdit={mayEdit}
                busy={busy}
                onFocus={setHighlight}
                onOverride={(f, reason) =>
                  void act(
                    () => api.post(`${base}/precheck/overrides`, { materialId: current.materialId, findingCode: f.key, reason }),
                    t('已记录忽略原因', 'Override recorded'),
                  )
                }
              />
              <Fields
                material={current}
                mayEdit={mayEdit}
                busy={busy}
                onFocus={setHighlight}
                onCorrect={(fieldKey, value, reason) =>
                  void act(
                    () => api.post(`${base}/precheck/corrections`, { materialId: current.materialId, fieldKey, value, reason }),
                    t('已更正', 'Corrected'),
                  )
                }
              />
            </div>
          </div>
        </Card>
      ) : null}

      {mayEdit ? (
        <Card title={t('高拍仪 / 摄像头采集', 'Capture with a document camera or webcam')}>
          <Select
            label={t('放入材料栏', 'Into slot')}
            value={cameraSlot}
            onChange={(e) => setCameraSlot(e.target.value)}
            options={[
              { value: '', label: t('请选择材料', 'Choose a material') },
              ...item.materials.map((s) => ({ value: s.code, label: s.name })),
            ]}
          />
          {cameraOpen ? (
            <CameraCapture
              busy={busy}
              onCapture={(photo) =>
                // source=camera: the server crops the desk around the page and deskews it before OCR.
                void act(
                  () =>
                    upload(
                      `${base}/materials/${encodeURIComponent(cameraSlot)}?source=camera`,
                      photo,
                      `camera-${Date.now()}.${photo.type === 'image/png' ? 'png' : 'jpg'}`,
                      () => undefined,
                    ),
                  t('已上传，正在预审', 'Uploaded; pre-check started'),
                )
              }
            />
          ) : (
            <Button onClick={() => setCameraOpen(true)} disabled={!cameraSlot}>
              {t('打开摄像头', 'Open camera')}
            </Button>
          )}
        </Card>
      ) : null}
    </section>
  );
}

/** Where the pre-check stands; only the window, who completes it, is told it can. */
function Summary({ data, mayComplete }: { data: CasePrecheckResponse; mayComplete: boolean }) {
  const { t } = useI18n();
  if (data.ready)
    return (
      <Alert tone="ok">
        {mayComplete
          ? t(
              '所有必需材料已收齐，没有未处理的阻断问题，可以点击页面上方的“完成预审”。',
              'All required materials are in and nothing blocks; complete the pre-check with the button at the top.',
            )
          : t('所有必需材料已收齐，没有未处理的阻断问题。', 'All required materials are in and nothing blocks.')}
      </Alert>
    );
  return (
    <Alert tone={data.blocking || data.missingSlots.length ? 'warn' : 'info'} title={t('预审尚未通过', 'Pre-check not passed yet')}>
      <ul>
        {data.missingSlots.map((s) => (
          <li key={s.code}>{t(`缺少材料：${s.name}`, `Missing: ${s.name}`)}</li>
        ))}
        {data.blocking ? (
          <li>
            {t(
              `${data.blocking} 个阻断问题需要处理（重新扫描、更正或说明原因后忽略）`,
              `${data.blocking} blocking findings to resolve (rescan, correct, or override with a reason)`,
            )}
          </li>
        ) : null}
        {data.pending ? <li>{t(`${data.pending} 份材料正在识别`, `${data.pending} materials are being recognised`)}</li> : null}
      </ul>
    </Alert>
  );
}

function VerdictBadge({ m }: { m: MaterialPrecheckView }) {
  const { t } = useI18n();
  if (m.status === 'queued' || m.status === 'running') return <Badge tone="info">{t('识别中', 'Checking')}</Badge>;
  if (m.status === 'failed' && !m.verdict) return <Badge tone="block">{t('无法识别', 'Unreadable')}</Badge>;
  if (m.verdict === 'block') return <Badge tone="block">{t('不通过', 'Blocked')}</Badge>;
  if (m.verdict === 'warn') return <Badge tone="warn">{t('需注意', 'Check')}</Badge>;
  if (m.verdict === 'pass') return <Badge tone="ok">{t('通过', 'Pass')}</Badge>;
  return <Badge tone="info">{t('未预审', 'Not checked')}</Badge>;
}

function Findings({
  material,
  mayEdit,
  busy,
  onFocus,
  onOverride,
}: {
  material: MaterialPrecheckView;
  mayEdit: boolean;
  busy: boolean;
  onFocus: (key?: string) => void;
  onOverride: (f: PrecheckFindingView, reason: string) => void;
}) {
  const { t } = useI18n();
  const [reasons, setReasons] = useState<Record<string, string>>({});
  if (material.findings.length === 0) return material.verdict ? <p>{t('未发现问题。', 'No findings.')}</p> : null;
  return (
    <ul className="precheck-findings" aria-label={t('预审问题', 'Findings')}>
      {material.findings.map((f) => (
        <li key={f.key} onMouseEnter={() => onFocus(`finding:${f.key}`)} onFocus={() => onFocus(`finding:${f.key}`)}>
          <Badge tone={f.override ? 'info' : f.severity === 'info' ? 'info' : f.severity}>
            {f.override
              ? t('已忽略', 'Overridden')
              : f.severity === 'block'
                ? t('阻断', 'Block')
                : f.severity === 'warn'
                  ? t('警告', 'Warning')
                  : t('提示', 'Info')}
          </Badge>{' '}
          {t(f.message_zh, f.message_en)}
          {f.override ? <p>{t(`忽略原因：${f.override.reason}`, `Reason: ${f.override.reason}`)}</p> : null}
          {mayEdit && !f.override && f.severity !== 'info' ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                onOverride(f, reasons[f.key] ?? '');
              }}
            >
              <TextField
                label={t('忽略原因（必填）', 'Reason to override (required)')}
                value={reasons[f.key] ?? ''}
                onChange={(e) => setReasons({ ...reasons, [f.key]: e.target.value })}
                required
                minLength={2}
              />
              <Button type="submit" busy={busy} disabled={(reasons[f.key] ?? '').trim().length < 2}>
                {t('说明原因并忽略', 'Override with reason')}
              </Button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Fields({
  material,
  mayEdit,
  busy,
  onFocus,
  onCorrect,
}: {
  material: MaterialPrecheckView;
  mayEdit: boolean;
  busy: boolean;
  onFocus: (key?: string) => void;
  onCorrect: (fieldKey: string, value: string, reason: string) => void;
}) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  // Fields a finding names but OCR did not read (e.g. an unreadable ID number) can be entered by hand.
  const missing = material.findings
    .filter((f) => f.fieldKey && !material.fields.some((x) => x.key === f.fieldKey))
    .map((f) => ({ key: f.fieldKey!, label: f.fieldKey!.replace(/^label:/, ''), value: '', confidence: 0, corrected: false }));
  const rows = [...material.fields, ...missing];
  if (rows.length === 0) return null;
  return (
    <table className="precheck-fields">
      <caption>{t('识别字段', 'Recognised fields')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('项目', 'Field')}</th>
          <th scope="col">{t('识别结果', 'Value')}</th>
          <th scope="col">{t('可信度', 'Confidence')}</th>
          {mayEdit ? <th scope="col">{t('操作', 'Action')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f.key} onMouseEnter={() => onFocus(`field:${f.key}`)}>
            <th scope="row">{lang === 'en' ? (FIELD_LABELS_EN[f.key] ?? f.label) : f.label}</th>
            <td>
              {editing === f.key ? (
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    onCorrect(f.key, value, reason);
                    setEditing(null);
                  }}
                >
                  <TextField label={t('更正为', 'Correct to')} value={value} onChange={(e) => setValue(e.target.value)} required />
                  <TextField
                    label={t('更正原因（必填）', 'Reason (required)')}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    required
                    minLength={2}
                  />
                  <Button type="submit" variant="primary" busy={busy} disabled={!value.trim() || reason.trim().length < 2}>
                    {t('保存更正', 'Save')}
                  </Button>
                  <Button onClick={() => setEditing(null)}>{t('取消', 'Cancel')}</Button>
                </form>
              ) : (
                <>
                  {f.value || t('（未识别）', '(not read)')}
                  {f.corrected ? <Badge tone="info">{t('已人工更正', 'Corrected')}</Badge> : null}
                </>
              )}
            </td>
            <td>{f.confidence}</td>
            {mayEdit ? (
              <td>
                {editing === f.key ? null : (
                  <Button variant="ghost" onClick={() => (setEditing(f.key), setValue(f.value), setReason(''))}>
                    {t('更正', 'Correct')}
                  </Button>
                )}
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
