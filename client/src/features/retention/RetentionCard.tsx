import { useState } from 'react';
import type { CaseView } from '@tongban/shared';
import { can } from '@tongban/shared/cases/access';
import { retentionPath, type RetentionView } from '@tongban/shared/retention/retention';
import { api } from '../../api/client';
import { useApiData } from '../../api/useApiData';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, TextField } from '../../ui';

/**
 * 保存期限 on the case page: until when the call's evidence is kept, whether it was deleted, and the
 * legal hold (诉讼保全) a supervisor or admin sets or releases with a reason.
 */
export function RetentionCard({ caseView }: { caseView: Pick<CaseView, 'id' | 'intakeOfficeId' | 'handlingOfficeId' | 'updatedAt'> }) {
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const path = retentionPath(caseView.id);
  const { data, error, reload } = useApiData<RetentionView>(`${path}?v=${encodeURIComponent(caseView.updatedAt)}`);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const mayHold = user ? can(user, 'retention.hold', caseView) : false;
  if (!data) return error ? <Alert tone="block">{errorText(error)}</Alert> : null;

  const act = async (what: 'hold' | 'release') => {
    setBusy(true);
    setActionError(undefined);
    try {
      await api.post(`${path}/${what}`, { reason });
      setReason('');
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('证据保存期限', 'Evidence retention')}>
      <p data-testid="retention-status">
        {data.purged
          ? t(
              `录像、截图和转递包共 ${data.purged.files} 个文件已于 ${formatDateTime(data.purged.at, lang)} 按保存期限删除，审计记录保留其哈希值。`,
              `${data.purged.files} files (recordings, snapshots, bags) were deleted on ${formatDateTime(data.purged.at, lang)} at the end of the retention period; the audit trail keeps their hashes.`,
            )
          : data.keepUntil
            ? t(
                `办件已于 ${formatDateTime(data.closedAt!, lang)} 办结；录像、截图等证据保存至 ${data.keepUntil}（${data.retentionDays} 天）。`,
                `Closed on ${formatDateTime(data.closedAt!, lang)}; recordings, snapshots and other evidence are kept until ${data.keepUntil} (${data.retentionDays} days).`,
              )
            : t(
                `办结后，录像、截图等证据保存 ${data.retentionDays} 天后删除。`,
                `Recordings, snapshots and other evidence are kept for ${data.retentionDays} days after the case closes.`,
              )}
      </p>
      {data.hold && (
        <Alert tone="warn" title={t('诉讼保全中：证据不会删除', 'On legal hold: nothing is deleted')}>
          {t(
            `${data.hold.setByName}于 ${formatDateTime(data.hold.setAt, lang)} 设置，原因：${data.hold.reason}`,
            `Set by ${data.hold.setByName} on ${formatDateTime(data.hold.setAt, lang)}: ${data.hold.reason}`,
          )}
        </Alert>
      )}
      {mayHold && !data.purged && (
        <>
          <TextField
            label={
              data.hold
                ? t('解除保全的原因', 'Why the hold is released')
                : t('保全原因（诉讼、复议、投诉调查等）', 'Why the evidence must be kept')
            }
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
          />
          <Button busy={busy} disabled={reason.trim() === ''} onClick={() => void act(data.hold ? 'release' : 'hold')}>
            {data.hold ? t('解除诉讼保全', 'Release the legal hold') : t('设置诉讼保全', 'Put on legal hold')}
          </Button>
          {actionError !== undefined && <Alert tone="block">{errorText(actionError)}</Alert>}
        </>
      )}
    </Card>
  );
}
