import { useState } from 'react';
import type { CalendarDayInput, CalendarDayKind } from '@tongban/shared/calendar/calendar';
import { ApiError } from '../../api/client';
import { useI18n } from '../../i18n';
import { Alert, Button, Card, Select, TextField } from '../../ui';

/** The messages of a refused entry, one per bad row (the server names the row and the reason). */
function issueLines(e: unknown): string[] {
  if (!(e instanceof ApiError) || !Array.isArray(e.details)) return [];
  return (e.details as Array<{ path?: string; message?: string }>).map((i) => {
    const row = Number(i.path?.split('.')[1]);
    return Number.isInteger(row) ? `第 ${row + 1} 行：${i.message ?? ''}` : (i.message ?? '');
  });
}

/**
 * An admin's days for one year: the year the package does not carry yet (entered from the State
 * Council notice) or a correction of a day it does. Saving replaces the site's days of the year.
 */
export function SiteDaysEditor({
  year,
  initial,
  onSave,
}: {
  year: number;
  initial: CalendarDayInput[];
  onSave: (days: CalendarDayInput[]) => Promise<void>;
}) {
  const { t, errorText } = useI18n();
  const [rows, setRows] = useState<CalendarDayInput[]>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);

  const change = (i: number, patch: Partial<CalendarDayInput>) => {
    setSaved(false);
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSave(rows);
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t(`本站录入的 ${year} 年日期`, `Days entered here for ${year}`)}>
      <p className="muted">
        {t(
          '按国务院办公厅的放假通知逐日录入：放假日期，以及周末调休上班的日期。保存后立即用于计算办理时限，并记入审计。',
          "Enter each day from the State Council's notice: the days off, and the weekend days worked instead. Saved days count for every deadline at once and are audited.",
        )}
      </p>
      {rows.map((r, i) => (
        <fieldset key={i} className="form-row calendar-row" aria-label={t(`第 ${i + 1} 行`, `Row ${i + 1}`)}>
          <TextField
            label={t('日期', 'Date')}
            type="date"
            value={r.date}
            min={`${year}-01-01`}
            max={`${year}-12-31`}
            onChange={(e) => change(i, { date: e.target.value })}
          />
          <Select
            label={t('安排', 'Rule')}
            value={r.kind}
            onChange={(e) => change(i, { kind: e.target.value as CalendarDayKind })}
            options={[
              { value: 'holiday', label: t('放假', 'Day off') },
              { value: 'workday', label: t('调休上班', 'Working day') },
            ]}
          />
          <TextField label={t('节日', 'Holiday')} value={r.name} maxLength={20} onChange={(e) => change(i, { name: e.target.value })} />
          <Button onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>{t('删除此行', 'Remove')}</Button>
        </fieldset>
      ))}
      <div className="page-actions">
        <Button onClick={() => setRows((rs) => [...rs, { date: `${year}-01-01`, kind: 'holiday', name: '' }])}>
          {t('添加一天', 'Add a day')}
        </Button>
        <Button variant="primary" busy={busy} onClick={() => void save()}>
          {t(`保存 ${year} 年日期`, `Save ${year}`)}
        </Button>
      </div>
      {saved && <Alert tone="ok">{t('已保存，办理时限已按新日历计算。', 'Saved; deadlines now count on it.')}</Alert>}
      {error !== undefined && (
        <Alert tone="block" title={errorText(error)}>
          {issueLines(error).length > 0 && (
            <ul>
              {issueLines(error).map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </Alert>
      )}
    </Card>
  );
}
