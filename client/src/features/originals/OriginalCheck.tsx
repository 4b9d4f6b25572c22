import { useId, useState } from 'react';
import './originals.css';
import type { CaseView, MaterialView } from '@tongban/shared';
import { can, canSeeFullIdentity } from '@tongban/shared/cases/access';
import {
  certifiedCopyPath,
  ORIGINAL_CHECK_METHOD_LABELS,
  ORIGINAL_CHECK_METHODS,
  originalCheckPath,
  type OriginalCheckMethod,
  type OriginalCheckView,
} from '@tongban/shared/cases/originalCheck';
import { api } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Dialog, useToast } from '../../ui';

/**
 * 已核验原件 of one scan, wherever scans are listed (the case page, the call): the mark as a badge
 * with who checked it, when and how, for everyone who sees the scan; for the intake window, the
 * control that records it (how: the paper at the window, or the document camera in the call) or
 * withdraws it with a reason; for the case's participants, 打印核验件.
 */
export function OriginalCheck({
  material,
  caseView,
  defaultMethod,
  onChanged,
}: {
  material: MaterialView;
  caseView: Pick<CaseView, 'id' | 'state' | 'intakeOfficeId' | 'handlingOfficeId'>;
  /** The way preselected in the dialog: the paper on the case page, the document camera in the call. */
  defaultMethod: OriginalCheckMethod;
  onChanged(material: MaterialView): void;
}) {
  const { t, errorText } = useI18n();
  const { user } = useAuth();
  const toast = useToast();
  const ids = useId();
  const [dialog, setDialog] = useState<'record' | 'withdraw' | null>(null);
  const [method, setMethod] = useState<OriginalCheckMethod>(defaultMethod);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const check = material.originalCheck;
  const canCheck = Boolean(user && !material.replacedBy && can(user, 'materials.checkOriginal', caseView));
  const canPrint = Boolean(user && check && !material.replacedBy && canSeeFullIdentity(user, caseView));
  const how = (m: OriginalCheckMethod) => t(ORIGINAL_CHECK_METHOD_LABELS[m].zh, ORIGINAL_CHECK_METHOD_LABELS[m].en);
  const open = (which: 'record' | 'withdraw') => {
    setDialog(which);
    setMethod(defaultMethod);
    setText('');
    setError(null);
  };
  async function submit() {
    if (!dialog) return;
    setBusy(true);
    setError(null);
    try {
      const path = originalCheckPath(caseView.id, material.id);
      const r =
        dialog === 'record'
          ? await api.post<{ material: MaterialView }>(path, { method, ...(text.trim() ? { note: text.trim() } : {}) })
          : await api.post<{ material: MaterialView }>(`${path}/withdrawal`, { reason: text.trim() });
      toast.show(
        dialog === 'record' ? t('已登记：已核验原件', 'Recorded: checked against the original') : t('已撤销核验标记', 'Mark withdrawn'),
      );
      setDialog(null);
      onChanged(r.material);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!check && !canCheck) return null;
  return (
    <span className="original-check">
      {check && <OriginalCheckBadge check={check} />}
      {canPrint && (
        <a className="btn btn-secondary" href={certifiedCopyPath(caseView.id, material.id)} target="_blank" rel="noreferrer">
          {t('打印核验件', 'Print certified copy')}
        </a>
      )}
      {canCheck && !check && (
        <Button
          onClick={() => open('record')}
          aria-label={t(`已核验原件：${material.fileName}`, `Checked against the original: ${material.fileName}`)}
        >
          {t('已核验原件', 'Checked against original')}
        </Button>
      )}
      {canCheck && check && (
        <Button variant="ghost" onClick={() => open('withdraw')}>
          {t('撤销核验', 'Withdraw the mark')}
        </Button>
      )}
      <Dialog
        open={dialog !== null}
        title={
          dialog === 'withdraw'
            ? t(`撤销核验标记：${material.fileName}`, `Withdraw the mark: ${material.fileName}`)
            : t(`登记已核验原件：${material.fileName}`, `Record the check against the original: ${material.fileName}`)
        }
        onClose={() => setDialog(null)}
        actions={
          <>
            <Button onClick={() => setDialog(null)}>{t('取消', 'Cancel')}</Button>
            <Button
              variant={dialog === 'withdraw' ? 'danger' : 'primary'}
              busy={busy}
              disabled={dialog === 'withdraw' && !text.trim()}
              onClick={() => void submit()}
            >
              {dialog === 'withdraw' ? t('确认撤销', 'Withdraw') : t('确认登记', 'Record')}
            </Button>
          </>
        }
      >
        {error != null && <Alert tone="block">{errorText(error)}</Alert>}
        {dialog === 'record' ? (
          <>
            <p>
              {t(
                '请确认扫描件与申请人出示的原件逐页核对一致。登记后打印的核验件每页印有“此件经与原件核对无误”、核对人和日期，并记入责任追溯记录。',
                'Confirm that every page of the scan matches the original the applicant showed. Copies printed from it carry “checked against the original”, your name and the date on each page; the check is recorded in the audit trail.',
              )}
            </p>
            <fieldset>
              <legend>{t('核验方式', 'How it was checked')}</legend>
              <div className="choices">
                {ORIGINAL_CHECK_METHODS.map((m) => (
                  <label key={m} className="choice">
                    <input type="radio" name={`${ids}-method`} value={m} checked={method === m} onChange={() => setMethod(m)} />
                    {how(m)}
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        ) : (
          <p>
            {t(
              '标记登记有误时撤销：撤销后不能再打印该扫描件的核验件，撤销原因记入责任追溯记录。',
              'Withdraw a mark recorded by mistake: no certified copy can be printed from the scan afterwards, and the reason is recorded in the audit trail.',
            )}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${ids}-text`} className="field-label">
            {dialog === 'withdraw' ? t('撤销原因（必填）', 'Reason (required)') : t('备注（选填）', 'Note (optional)')}
          </label>
          <textarea
            id={`${ids}-text`}
            className="input"
            rows={2}
            maxLength={dialog === 'withdraw' ? 500 : 200}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required={dialog === 'withdraw'}
          />
        </div>
      </Dialog>
    </span>
  );
}

/** The mark as everyone who sees the scan reads it: 已核验原件, who, when (China time), how. */
export function OriginalCheckBadge({ check }: { check: OriginalCheckView }) {
  const { t, lang } = useI18n();
  const how = ORIGINAL_CHECK_METHOD_LABELS[check.method];
  return (
    <span data-testid="original-check-badge">
      <Badge tone="ok">{t('已核验原件', 'Checked against the original')}</Badge>{' '}
      <span className="muted">
        {[check.checkedByName, formatDateTime(check.checkedAt, lang), t(how.zh, how.en), check.note].filter(Boolean).join(' · ')}
      </span>
    </span>
  );
}
