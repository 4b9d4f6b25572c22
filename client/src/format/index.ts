import type { ActorRole, Role } from '@tongban/shared';
import type { I18n } from '../i18n';

/** Display helpers shared by the case screens. */

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  clerk: { zh: '窗口受理人员', en: 'Intake clerk' },
  reviewer: { zh: '属地审核人员', en: 'Reviewer' },
  supervisor: { zh: '主管', en: 'Supervisor' },
  admin: { zh: '系统管理员', en: 'Administrator' },
};

/** Everyone the audit trail names: the office roles, and those who act without an account here. */
export const ACTOR_ROLE_LABELS: Record<ActorRole, { zh: string; en: string }> = {
  ...ROLE_LABELS,
  applicant: { zh: '申请人', en: 'Applicant' },
  system: { zh: '系统', en: 'System' },
  'peer-site': { zh: '对方站点', en: 'Peer site' },
};

/** An instant in China time, wherever the browser is: the offices and the applicant all read China time. */
export function formatDateTime(iso: string, lang: I18n['lang']): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "3 小时 20 分" / "2 天 4 小时" since `iso`, for how long a case has waited. */
export function formatWaiting(iso: string, now: number, t: I18n['t']): string {
  return formatMinutes(Math.floor((now - new Date(iso).getTime()) / 60_000), t);
}

/** A duration in words: "4 分钟", "1 小时 5 分", "2 天 4 小时". */
export function formatMinutes(total: number, t: I18n['t']): string {
  const minutes = Math.max(0, Math.round(total));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return t(`${days} 天 ${hours} 小时`, `${days} d ${hours} h`);
  if (hours > 0) return t(`${hours} 小时 ${minutes % 60} 分`, `${hours} h ${minutes % 60} min`);
  return t(`${minutes} 分钟`, `${minutes} min`);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A catalogue name (item, material) in the desk's language: the Chinese name where no English one is given. */
export function localName(x: { name: string; nameEn?: string }, lang: I18n['lang']): string {
  return lang === 'en' ? (x.nameEn ?? x.name) : x.name;
}
