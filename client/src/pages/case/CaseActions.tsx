import { useState } from 'react';
import { isDedicatedAction, type CaseAction } from '@tongban/shared';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { Alert, Button, Dialog, useToast } from '../../ui';
import { ACTION_SPECS } from './actionSpecs';

/**
 * The secondary actions: one button per transition the server says this user may fire now, except
 * those fired from their own panel (video co-review and its decision, handoff, result, rating) and
 * the one the workspace offers as the next step. Every one asks for confirmation (they are audited
 * and most cannot be undone, 撤回 least of all), with a reason where one is needed.
 */
export function CaseActions({
  caseId,
  allowedActions: allowed,
  primary,
  onChanged,
}: {
  caseId: string;
  allowedActions: CaseAction[];
  /** The transition the next-step button fires: not offered twice. */
  primary: CaseAction | undefined;
  onChanged: () => void;
}) {
  const allowedActions = allowed.filter((a) => !isDedicatedAction(a) && a !== primary);
  const { t, errorText } = useI18n();
  const toast = useToast();
  const [pending, setPending] = useState<CaseAction | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (allowedActions.length === 0) return null;

  const spec = pending ? ACTION_SPECS[pending] : undefined;
  const noteMissing = spec?.note === 'required' && !note.trim();

  async function fire() {
    if (!pending || !spec) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/cases/${encodeURIComponent(caseId)}/transitions`, {
        action: pending,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      toast.show(t(`已执行：${spec.zh}`, `Done: ${spec.en}`));
      setPending(null);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {allowedActions.map((a) => (
        <Button
          key={a}
          onClick={() => {
            setPending(a);
            setNote('');
            setError(null);
          }}
        >
          {t(ACTION_SPECS[a].zh, ACTION_SPECS[a].en)}
        </Button>
      ))}
      <Dialog
        open={pending !== null}
        title={spec ? t(`确认：${spec.zh}`, `Confirm: ${spec.en}`) : ''}
        onClose={() => setPending(null)}
        actions={
          <>
            <Button onClick={() => setPending(null)}>{t('取消', 'Cancel')}</Button>
            <Button variant={spec?.destructive ? 'danger' : 'primary'} busy={busy} disabled={noteMissing} onClick={() => void fire()}>
              {t('确认', 'Confirm')}
            </Button>
          </>
        }
      >
        {error != null && <Alert tone="block">{errorText(error)}</Alert>}
        <p>{t('此操作将记入责任追溯记录。', 'This action is recorded in the audit trail.')}</p>
        {spec?.note && (
          <div className="field">
            <label htmlFor="transition-note" className="field-label">
              {spec.note === 'required'
                ? t('原因（必填，将告知申请人）', 'Reason (required; the applicant is told)')
                : t('备注（选填）', 'Note (optional)')}
            </label>
            <textarea
              id="transition-note"
              className="input"
              rows={3}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              required={spec.note === 'required'}
            />
          </div>
        )}
      </Dialog>
    </>
  );
}
