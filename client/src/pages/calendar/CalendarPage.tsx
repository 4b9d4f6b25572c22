import { useState } from 'react';
import { can } from '@tongban/shared/cases/access';
import { calendarPath, type CalendarDayInput, type CalendarYearView } from '@tongban/shared/calendar/calendar';
import { useAuth } from '../../auth/AuthContext';
import { api } from '../../api/client';
import { useApiData } from '../../api/useApiData';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n';
import { Alert, Badge, Button, Card, PageHeader } from '../../ui';
import { SiteDaysEditor } from './SiteDaysEditor';

const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/**
 * 节假日日历: the year's holidays and 调休 working days every deadline counts on, where each comes
 * from, and (for an admin) the days this site enters for a year the package does not carry yet.
 */
export function CalendarPage() {
  const { t, lang, errorText } = useI18n();
  const { user } = useAuth();
  const [year, setYear] = useState(() => Number(new Date().toLocaleDateString('sv', { timeZone: 'Asia/Shanghai' }).slice(0, 4)));
  const { data, error, loading, reload } = useApiData<CalendarYearView>(calendarPath(year));
  const editable = user ? can(user, 'calendar.edit') : false;

  const save = async (days: CalendarDayInput[]) => {
    await api.put<CalendarYearView>(calendarPath(year), { days });
    reload();
  };

  return (
    <>
      <PageHeader
        title={t(`${year} 年节假日日历`, `Holiday calendar ${year}`)}
        subtitle={t('办理时限按此日历计算工作日', 'Every deadline counts working days on this calendar')}
        actions={
          <>
            <Button onClick={() => setYear((y) => y - 1)}>{t('上一年', 'Previous year')}</Button>
            <Button onClick={() => setYear((y) => y + 1)}>{t('下一年', 'Next year')}</Button>
          </>
        }
      />
      {error != null && <Alert tone="block">{errorText(error)}</Alert>}
      {data?.uncoveredFrom !== undefined && (
        <Alert tone="warn" title={t(`缺少 ${data.uncoveredFrom} 年的节假日数据`, `No holiday data for ${data.uncoveredFrom}`)}>
          {t(
            `截止日期跨入 ${data.uncoveredFrom} 年时只能按周末计算。请在国务院办公厅公布后录入该年的放假与调休日期，或更新软件的节假日数据包（当前 chinese-days ${data.packageVersion}）。`,
            `Deadlines reaching into ${data.uncoveredFrom} count weekends only. Enter that year's holidays and make-up working days once the State Council publishes them, or update the holiday data package (chinese-days ${data.packageVersion} now).`,
          )}
        </Alert>
      )}
      {data && (
        <Card title={t('放假与调休', 'Holidays and make-up working days')}>
          {!data.covered && <p className="muted">{t(`${year} 年尚无数据。`, `No data for ${year} yet.`)}</p>}
          {data.days.length > 0 && (
            <div className="table-wrap">
              <table className="data" data-testid="calendar-days">
                <thead>
                  <tr>
                    <th scope="col">{t('日期', 'Date')}</th>
                    <th scope="col">{t('安排', 'Rule')}</th>
                    <th scope="col">{t('节日', 'Holiday')}</th>
                    <th scope="col">{t('来源', 'Source')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.days.map((d) => (
                    <tr key={d.date}>
                      <td>
                        {d.date} {lang === 'zh' ? WEEKDAYS_ZH[weekday(d.date)] : WEEKDAYS_EN[weekday(d.date)]}
                      </td>
                      <td>
                        {d.kind === 'holiday' ? (
                          <Badge tone="info">{t('放假', 'Day off')}</Badge>
                        ) : (
                          <Badge tone="warn">{t('调休上班', 'Working day')}</Badge>
                        )}
                      </td>
                      <td>{d.name}</td>
                      <td>
                        {d.source === 'package'
                          ? t('国务院办公厅通知（数据包）', 'State Council notice (data package)')
                          : t(
                              `本站录入：${d.setByName ?? ''}，${d.setAt ? formatDateTime(d.setAt, lang) : ''}`,
                              `Entered here by ${d.setByName ?? ''}, ${d.setAt ? formatDateTime(d.setAt, lang) : ''}`,
                            )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
      {data && editable && (
        <SiteDaysEditor
          key={`${year}-${data.days.filter((d) => d.source === 'site').length}`}
          year={year}
          initial={data.days.filter((d) => d.source === 'site').map(({ date, kind, name }) => ({ date, kind, name }))}
          onSave={save}
        />
      )}
      {!data && !error && loading && <p className="muted">{t('正在加载…', 'Loading…')}</p>}
    </>
  );
}
