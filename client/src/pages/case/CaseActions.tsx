import { useState } from 'react';
import { isDedicatedAction, type CaseAction } from '@tongban/shared';
import { api } from '../../api/client';
import { useI18n } from '../../i18n';
import { Alert, Button, Dialog, useToast } from '../../ui';
import { ACTION_SPECS } from './actionSpecs';

/**
 * One button per transition the server says this user may fire now, except those fired from
 * their own panel (video co-review and its decision, handoff, result, rating). Every action asks for
 * confirmation (they are audited and most cannot be undone), with a reason where one is needed.
 */
export function CaseActions({
  caseId,
  allowedActions: allowed,
  onChanged,
}: {
  caseId: string;
  allowedActions: CaseAction[];
  onChanged: () => void;
}) {
  const allowedActions = allowed.filter((a) => !isDedicatedAction(a));
  const { t, errorText } = useI18n();
  const toast = useToast();
  const [pending, setPending] = useState<CaseAction | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (allowedActions.length === 0) {
    return (
      <p className="muted">
        {allowed.length > 0
          ? t(
              '请在本页对应的面板中办理（视频会审、转递、办结或评价）。',
              'Use the matching panel on this page (video review, handoff, result or rating).',
            )
          : t('当前状态下您没有可执行的操作。', 'There is nothing for you to do in this state.')}
      </p>
    );
  }

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
      <div className="action-bar">
        {allowedActions.map((a) => (
          <Button
            key={a}
            variant={ACTION_SPECS[a].variant}
            onClick={() => {
              setPending(a);
              setNote('');
              setError(null);
            }}
          >
            {t(ACTION_SPECS[a].zh, ACTION_SPECS[a].en)}
          </Button>
        ))}
      </div>
      <Dialog
        open={pending !== null}
        title={spec ? t(`确认：${spec.zh}`, `Confirm: ${spec.en}`) : ''}
        onClose={() => setPending(null)}
        actions={
          <>
            <Button onClick={() => setPending(null)}>{t('取消', 'Cancel')}</Button>
            <Button
              variant={spec?.variant === 'danger' ? 'danger' : 'primary'}
              busy={busy}
              disabled={noteMissing}
              onClick={() => void fire()}
            >
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
