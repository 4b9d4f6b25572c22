/** Waiting time as people say it: "3 分 20 秒" / "3 min 20 s". */
export function formatWait(seconds: number, lang: 'zh' | 'en'): string {
  const m = Math.floor(seconds / 60);
  const s = Math.max(0, Math.round(seconds % 60));
  if (lang === 'zh') return m > 0 ? `${m} 分 ${s} 秒` : `${s} 秒`;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}
