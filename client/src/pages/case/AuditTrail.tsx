import { CASE_ACTIONS, type AuditEvent, type CaseAction } from '@tongban/shared';
import { peerSiteOfActor } from '@tongban/shared/catalog/sites';
import { useI18n, type I18n } from '../../i18n';
import { formatDateTime } from '../../format';
import { ACTION_SPECS } from './actionSpecs';

const EVENT_LABELS: Record<string, { zh: string; en: string }> = {
  'case.created': { zh: '创建办件', en: 'Case created' },
  'material.uploaded': { zh: '上传材料', en: 'Material uploaded' },
  'material.deleted': { zh: '删除材料', en: 'Material deleted' },
  'material.replaced': { zh: '替换材料（原件留档）', en: 'Material replaced (the old scan kept on record)' },
  'material.viewed': { zh: '查看材料', en: 'Material viewed' },
  'precheck.field_corrected': { zh: '人工更正识别字段', en: 'Field corrected by hand' },
  'precheck.finding_overridden': { zh: '预审问题人工放行', en: 'Finding overridden' },
  'review.requested': { zh: '申请视频会审', en: 'Co-review requested' },
  'review.accepted': { zh: '审查人员接入会审', en: 'Co-review accepted' },
  'review.cancelled': { zh: '取消视频会审', en: 'Co-review cancelled' },
  'review.timed_out': { zh: '视频会审等待超时', en: 'Co-review request timed out' },
  'site.message_retrying': { zh: '对方站点暂不可达，正在重试', en: 'Peer site unreachable; retrying' },
  'site.message_delivered': { zh: '已送达对方站点', en: 'Delivered to the peer site' },
  'site.message_failed': { zh: '对方站点拒收', en: 'Refused by the peer site' },
  'review.applicant_link_issued': { zh: '生成申请人一次性链接', en: 'Applicant link issued' },
  'review.applicant_link_redeemed': { zh: '申请人通过链接加入', en: 'Applicant link used' },
  'review.consent_recorded': { zh: '记录申请人同意事项', en: 'Consent recorded' },
  'review.identity_check': { zh: '身份核验步骤', en: 'Identity check step' },
  'review.liveness_prompt_issued': { zh: '生成活体检测口令', en: 'Liveness prompt issued' },
  'review.snapshot': { zh: '会审截图取证', en: 'Snapshot taken' },
  'review.recording_started': { zh: '开始录像', en: 'Recording started' },
  'review.recording_stored': { zh: '录像已保存', en: 'Recording stored' },
  'review.recording_failed': { zh: '录像失败', en: 'Recording failed' },
  'review.recording_downloaded': { zh: '下载会审录像', en: 'Recording downloaded' },
  'handoff.received': { zh: '接收转递材料包', en: 'Handoff bag received' },
  'handoff.evidence_downloaded': { zh: '下载转递包中的审查录像', en: 'Received recording downloaded' },
  'handoff.originals_mailed': { zh: '登记原件寄出', en: 'Mailed originals recorded' },
  'handoff.envelope_received': { zh: '签收邮寄材料', en: 'Mailed envelope signed for' },
  'receipt.printed': { zh: '打印收件回执', en: 'Receipt printed' },
  'rating.link_created': { zh: '生成评价链接', en: 'Rating link created' },
  'rating.follow_up_closed': { zh: '差评回访办结', en: 'Follow-up closed' },
};

/** A readable name for the known events (`case.<action>` uses the action's button label); others show their code only. */
function eventLabel(action: string): { zh: string; en: string } | undefined {
  const transition = action.startsWith('case.') ? action.slice(5) : '';
  if ((CASE_ACTIONS as readonly string[]).includes(transition)) return ACTION_SPECS[transition as CaseAction];
  return EVENT_LABELS[action];
}

interface Names {
  officeName: (id: string) => string;
  siteName: (id: string) => string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A detail as people read it: instants in China time, offices and sites by name. */
function detailValue(key: string, v: unknown, names: Names, lang: I18n['lang']): string {
  if (typeof v === 'object') return JSON.stringify(v);
  const s = String(v);
  if (ISO_INSTANT.test(s)) return formatDateTime(s, lang);
  if (/officeId$/i.test(key)) return names.officeName(s);
  if (/site(Id)?$/i.test(key)) return names.siteName(s);
  return s;
}

function summarize(details: Record<string, unknown>, names: Names, lang: I18n['lang']): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${detailValue(k, v, names, lang)}`)
    .join('; ');
}

function actorName(e: AuditEvent, names: Names): string {
  const site = peerSiteOfActor(e.actor_name);
  return site !== undefined ? names.siteName(site) : (e.actor_name ?? '—');
}

/** 责任追溯: who did what when on this case, oldest first, with each event's chain hash. */
export function AuditTrail({ events, names }: { events: AuditEvent[]; names: Names }) {
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
                {actorName(e, names)} <span className="muted">({e.actor_role})</span>
                {e.office_id && (
                  <>
                    <br />
                    <span className="muted">{names.officeName(e.office_id)}</span>
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
              <td style={{ wordBreak: 'break-all' }}>{summarize(e.details, names, lang)}</td>
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
