import { useRef, type ReactNode } from 'react';
import type { MaterialSpec, MaterialView, ServiceItem } from '@tongban/shared';
import { formatBytes, formatDateTime, localName } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, ProgressBar } from '../../ui';
import { ACCEPT_ATTR } from './uploadRules';
import { useSlotUploads } from './useSlotUploads';

const KIND_LABELS: Record<MaterialSpec['kind'], { zh: string; en: string }> = {
  'id-card': { zh: '身份证件', en: 'ID card' },
  'household-register': { zh: '户口簿', en: 'Household register' },
  'business-licence': { zh: '营业执照', en: 'Business licence' },
  'application-form': { zh: '申请表', en: 'Application form' },
  certificate: { zh: '证明材料', en: 'Certificate' },
  other: { zh: '其他', en: 'Other' },
};

/**
 * 申请材料清单: one row per material the item asks for, with what was received and an upload
 * control per slot (several files allowed, e.g. one per page).
 */
export function MaterialsChecklist({
  caseId,
  item,
  materials,
  replaced = [],
  onUploaded,
  canUpload,
  fileExtra,
}: {
  caseId: string;
  item: ServiceItem;
  materials: MaterialView[];
  /** Scans replaced by better ones (the case's history). */
  replaced?: MaterialView[];
  onUploaded: (m: MaterialView) => void;
  canUpload: boolean;
  /** What a feature shows beside each received scan (已核验原件). */
  fileExtra?: (m: MaterialView) => ReactNode;
}) {
  const { t, lang } = useI18n();
  const { bySlot, uploadFiles } = useSlotUploads(caseId, onUploaded);
  const required = item.materials.filter((m) => m.required);
  const received = required.filter((m) => materials.some((x) => x.slotCode === m.code)).length;

  return (
    <>
      <p className={received === required.length ? '' : 'muted'} role="status">
        {received === required.length
          ? t(`必交材料已齐全（${received}/${required.length}）`, `All required materials received (${received}/${required.length})`)
          : t(`必交材料已收 ${received}/${required.length}`, `Required materials received: ${received}/${required.length}`)}
      </p>
      <ul className="slot-list">
        {item.materials.map((spec) => {
          const files = materials.filter((m) => m.slotCode === spec.code);
          const state = bySlot[spec.code];
          return (
            <li key={spec.code} className="slot" data-slot={spec.code}>
              <div>
                <span className="slot-name">{localName(spec, lang)}</span>{' '}
                {spec.required ? <Badge tone="warn">{t('必交', 'Required')}</Badge> : <Badge tone="info">{t('选交', 'Optional')}</Badge>}{' '}
                {files.length > 0 && <Badge tone="ok">{t(`已收 ${files.length} 份`, `${files.length} received`)}</Badge>}
                <div className="slot-meta">
                  {KIND_LABELS[spec.kind][lang]} ·{' '}
                  {t(
                    `${spec.copies} 份，每份 ${spec.pages} 页`,
                    `${spec.copies} cop${spec.copies > 1 ? 'ies' : 'y'}, ${spec.pages} page(s)`,
                  )}
                  {spec.originalByCourier && <> · {t('原件需邮寄至办理地', 'original goes by courier')}</>}
                </div>
              </div>
              {canUpload && (
                <FilePicker
                  label={t('选择文件上传', 'Choose files')}
                  ariaLabel={t(`上传“${spec.name}”`, `Upload "${localName(spec, lang)}"`)}
                  busy={Boolean(state?.current)}
                  multiple
                  onFiles={(fs) => void uploadFiles(spec.code, fs)}
                />
              )}
              {files.length > 0 && (
                <ul className="slot-files">
                  {files.map((f, i) => (
                    <li key={f.id}>
                      {localName(spec, lang)}
                      {files.length > 1 ? t(`（第 ${i + 1} 份）`, ` (${i + 1})`) : ''}{' '}
                      <span className="muted">
                        {f.fileName} · {formatBytes(f.size)}
                      </span>
                      {canUpload && (
                        <FilePicker
                          label={t('替换', 'Replace')}
                          ariaLabel={t(`替换“${spec.name}”的 ${f.fileName}`, `Replace ${f.fileName} of "${localName(spec, lang)}"`)}
                          busy={Boolean(state?.current)}
                          multiple={false}
                          small
                          onFiles={(fs) => void uploadFiles(spec.code, fs.slice(0, 1), f.id)}
                        />
                      )}
                      {fileExtra?.(f)}
                    </li>
                  ))}
                </ul>
              )}
              {replaced.some((r) => r.slotCode === spec.code) && (
                <details className="slot-history">
                  <summary>{t('已替换的扫描件（留档，不再转递）', 'Replaced scans (kept on record, not sent on)')}</summary>
                  <ul>
                    {replaced
                      .filter((r) => r.slotCode === spec.code)
                      .map((r) => (
                        <li key={r.id} className="muted">
                          {r.fileName} · {formatBytes(r.size)} ·{' '}
                          {t(`${formatDateTime(r.replacedAt!, lang)} 被替换`, `replaced ${formatDateTime(r.replacedAt!, lang)}`)}
                        </li>
                      ))}
                  </ul>
                </details>
              )}
              {state && (state.current || state.errors.length > 0 || state.notices.length > 0) && (
                <div className="slot-status">
                  {state.current && (
                    <ProgressBar
                      value={state.current.fraction}
                      label={t(`正在上传 ${state.current.fileName}`, `Uploading ${state.current.fileName}`)}
                    />
                  )}
                  {state.errors.map((e) => (
                    <Alert key={e} tone="block">
                      {e}
                    </Alert>
                  ))}
                  {state.notices.map((n) => (
                    <Alert key={n} tone="info">
                      {n}
                    </Alert>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** A real file input (keyboard and screen-reader friendly) styled as a button. */
function FilePicker({
  label,
  ariaLabel,
  busy,
  multiple,
  small = false,
  onFiles,
}: {
  label: string;
  ariaLabel: string;
  busy: boolean;
  multiple: boolean;
  small?: boolean;
  onFiles: (files: File[]) => void;
}) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  return (
    <label className={`file-pick${small ? ' file-pick-small' : ''}`}>
      <span className={`btn btn-secondary${busy ? ' is-busy' : ''}`} aria-hidden="true">
        {busy ? t('上传中…', 'Uploading…') : label}
      </span>
      <input
        ref={input}
        type="file"
        multiple={multiple}
        accept={ACCEPT_ATTR}
        disabled={busy}
        aria-label={ariaLabel}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (input.current) input.current.value = ''; // the same file can be picked again
          if (files.length) onFiles(files);
        }}
      />
    </label>
  );
}
