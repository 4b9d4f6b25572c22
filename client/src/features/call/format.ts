import { ROLE_LABELS } from '../../format';
import type { Lang } from '../../i18n';

/** Waiting time as people say it: "3 分 20 秒" / "3 min 20 s". */
export function formatWait(seconds: number, lang: 'zh' | 'en'): string {
  const m = Math.floor(seconds / 60);
  const s = Math.max(0, Math.round(seconds % 60));
  if (lang === 'zh') return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** A call participant's role as the desks name it: 申请人, or the staff role (窗口受理人员, 属地审核人员, …). */
export function peerRoleLabel(role: string | undefined, lang: Lang): string {
  if (role === 'applicant') return lang === 'zh' ? '申请人' : 'Applicant';
  if (role && role in ROLE_LABELS) return ROLE_LABELS[role as keyof typeof ROLE_LABELS][lang];
  return role ?? (lang === 'zh' ? '参会人' : 'Participant');
}
