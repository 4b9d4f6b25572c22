import { Fragment } from 'react';
import type { ActorRole, AuditEvent, ServiceItem } from '@tongban/shared';
import { auditSentence, type AuditNames } from '@tongban/shared/audit/auditActions';
import { chinaDateTime } from '@tongban/shared/cases/chinaTime';
import { peerSiteOfActor } from '@tongban/shared/catalog/sites';
import { useI18n, type I18n } from '../../i18n';
import { ACTOR_ROLE_LABELS, formatDateTime, localName } from '../../format';

interface Names {
  officeName: (id: string) => string;
  siteName: (id: string) => string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A raw detail as people read it: instants in China time, offices and sites by name. */
function detailValue(key: string, v: unknown, names: Names, lang: I18n['lang']): string {
  if (typeof v === 'object') return JSON.stringify(v);
  const s = String(v);
  if (ISO_INSTANT.test(s)) return formatDateTime(s, lang);
  if (/officeId$/i.test(key)) return names.officeName(s);
  const peer = peerSiteOfActor(s);
  if (peer !== undefined) return names.siteName(peer);
  if (/site(Id)?$/i.test(key)) return names.siteName(s);
  return s;
}

/** Who acted: this site's users by name, a peer site by its name, the applicant, the system. */
function actorName(e: AuditEvent, actorNames: Record<string, string>, names: Names, lang: I18n['lang']): string {
  const site = peerSiteOfActor(e.actor_name);
  if (site !== undefined) return names.siteName(site);
  if (e.actor_id && actorNames[e.actor_id]) return actorNames[e.actor_id]!;
  if (e.actor_role === 'applicant' || e.actor_role === 'system') return ACTOR_ROLE_LABELS[e.actor_role][lang];
  return e.actor_name ?? '—';
}

function roleLabel(role: string, lang: I18n['lang']): string | undefined {
  return role in ACTOR_ROLE_LABELS ? ACTOR_ROLE_LABELS[role as ActorRole][lang] : undefined;
}

/**
 * 责任追溯 in words: when (China time), who (name, role and office), what (a sentence from the one
 * action → words table in shared/), oldest first; each event's raw record and chain hash one click away.
 */
export function AuditTrail({
  events,
  actorNames,
  item,
  names,
}: {
  events: AuditEvent[];
  actorNames: Record<string, string>;
  item: ServiceItem;
  names: Names;
}) {
  const { t, lang } = useI18n();
  if (events.length === 0) return <p className="empty">{t('暂无记录', 'No events yet')}</p>;
  const sentenceNames: AuditNames = {
    siteName: names.siteName,
    slotName: (code) => {
      const spec = item.materials.find((s) => s.code === code);
      return spec ? { zh: spec.name, en: localName(spec, 'en') } : { zh: code, en: code };
    },
  };
  return (
    <div className="table-wrap">
      <table className="data audit-trail">
        <caption className="visually-hidden">{t('责任追溯记录', 'Audit trail')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('时间（北京时间）', 'Time (China)')}</th>
            <th scope="col">{t('操作人', 'Who')}</th>
            <th scope="col">{t('经过', 'What happened')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const words = auditSentence(e, sentenceNames);
            const role = roleLabel(e.actor_role, lang);
            const detailEntries = Object.entries(e.details).filter(([, v]) => v !== null && v !== undefined && v !== '');
            return (
              <tr key={e.seq}>
                <td className="audit-time">
                  <time dateTime={e.at}>{chinaDateTime(e.at, { seconds: true })}</time>
                </td>
                <td>
                  {actorName(e, actorNames, names, lang)}
                  {role && e.actor_role !== 'applicant' && e.actor_role !== 'system' && (
                    <span className="muted">{t(`（${role}）`, ` (${role})`)}</span>
                  )}
                  {e.office_id && (
                    <>
                      <br />
                      <span className="muted">{names.officeName(e.office_id)}</span>
                    </>
                  )}
                </td>
                <td>
                  <p className="audit-sentence">{words ? t(words.zh, words.en) : t('其他操作', 'Another action')}</p>
                  <details className="audit-raw">
                    <summary>{t('原始记录', 'Raw record')}</summary>
                    <dl className="kv">
                      <dt>{t('操作代码', 'Action')}</dt>
                      <dd className="mono">{e.action}</dd>
                      {detailEntries.map(([k, v]) => (
                        <Fragment key={k}>
                          <dt className="mono">{k}</dt>
                          <dd>{detailValue(k, v, names, lang)}</dd>
                        </Fragment>
                      ))}
                      <dt>{t('序号', 'Seq')}</dt>
                      <dd>{e.seq}</dd>
                      <dt>{t('哈希', 'Hash')}</dt>
                      <dd className="mono audit-hash">{e.hash}</dd>
                    </dl>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
