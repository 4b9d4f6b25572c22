import { CASE_ACTIONS, type AuditEvent, type CaseAction } from '@tongban/shared';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../format';
import { ACTION_SPECS } from './actionSpecs';

const EVENT_LABELS: Record<string, { zh: string; en: string }> = {
  'case.created': { zh: '创建办件', en: 'Case created' },
  'material.uploaded': { zh: '上传材料', en: 'Material uploaded' },
  'material.deleted': { zh: '删除材料', en: 'Material deleted' },
  'material.viewed': { zh: '查看材料', en: 'Material viewed' },
};

/** A readable name for the known events (`case.<action>` uses the action's button label); others show their code only. */
function eventLabel(action: string): { zh: string; en: string } | undefined {
  const transition = action.startsWith('case.') ? action.slice(5) : '';
  if ((CASE_ACTIONS as readonly string[]).includes(transition)) return ACTION_SPECS[transition as CaseAction];
  return EVENT_LABELS[action];
}


function summarize(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

/** 责任追溯: who did what when on this case, oldest first, with each event's chain hash. */
export function AuditTrail({ events, officeName }: { events: AuditEvent[]; officeName: (id: string) => string }) {
  const { t, lang } = useI18n();
  if (events.length === 0) return <p className="empty">{t('暂无记录', 'No events yet')}</p>;
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="visually-hidden">{t('责任追溯记录', 'Audit trail')}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('时间', 'Time')}</th>
            <th scope="col">{t('操作人', 'Actor')}</th>
            <th scope="col">{t('操作', 'Action')}</th>
            <th scope="col">{t('详情', 'Details')}</th>
            <th scope="col">{t('哈希', 'Hash')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{formatDateTime(e.at, lang)}</td>
              <td>
                {e.actor_name ?? '—'} <span className="muted">({e.actor_role})</span>
                {e.office_id && (
                  <>
                    <br />
                    <span className="muted">{officeName(e.office_id)}</span>
                  </>
                )}
              </td>
              <td>
                {eventLabel(e.action) && (
                  <>
                    {t(eventLabel(e.action)!.zh, eventLabel(e.action)!.en)}
                    <br />
                  </>
                )}
                <span className="mono muted">{e.action}</span>
              </td>
              <td style={{ wordBreak: 'break-all' }}>{summarize(e.details)}</td>
              <td className="mono muted" title={e.hash}>
                {e.hash.slice(0, 10)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
