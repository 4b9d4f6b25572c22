import { useRef } from 'react';
import type { MaterialSpec, MaterialView, ServiceItem } from '@tongban/shared';
import { formatBytes } from '../../format';
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
  onUploaded,
  canUpload,
}: {
  caseId: string;
  item: ServiceItem;
  materials: MaterialView[];
  onUploaded: (m: MaterialView) => void;
  canUpload: boolean;
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
                <span className="slot-name">{spec.name}</span>{' '}
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
              {canUpload && <SlotPicker spec={spec} busy={Boolean(state?.current)} onFiles={(fs) => void uploadFiles(spec.code, fs)} />}
              {files.length > 0 && (
                <ul className="slot-files">
                  {files.map((f) => (
                    <li key={f.id}>
                      {f.fileName} <span className="muted">({formatBytes(f.size)})</span>
                    </li>
                  ))}
                </ul>
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
function SlotPicker({ spec, busy, onFiles }: { spec: MaterialSpec; busy: boolean; onFiles: (files: File[]) => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  return (
    <label className="file-pick">
      <span className={`btn btn-secondary${busy ? ' is-busy' : ''}`} aria-hidden="true">
        {busy ? t('上传中…', 'Uploading…') : t('选择文件上传', 'Choose files')}
      </span>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT_ATTR}
        disabled={busy}
        aria-label={t(`上传“${spec.name}”`, `Upload "${spec.name}"`)}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          if (input.current) input.current.value = ''; // the same file can be picked again
          if (files.length) onFiles(files);
        }}
      />
    </label>
  );
}
