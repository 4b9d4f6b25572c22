import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { useDisplayPrefs } from '../../ui/DisplayPrefs';
import './phone.css';

/**
 * The frame of every page an applicant opens on their phone (no login): large text unless they
 * chose otherwise, and the two switches they may need — 大字 / 标准字 and 中文 / English — at the top.
 */
export function PhonePage({ title, children }: { title: string; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { largeText, setLargeText, largeTextByDefault } = useDisplayPrefs();
  useEffect(() => largeTextByDefault(), [largeTextByDefault]);
  return (
    <main className="phone-page">
      <header className="phone-header">
        <h1>{title}</h1>
        <div className="phone-switches">
          <button type="button" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>
            {largeText ? t('标准字', 'Normal text') : t('大字', 'Large text')}
          </button>
          <button type="button" lang={lang === 'zh' ? 'en' : 'zh'} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {lang === 'zh' ? 'English' : '中文'}
          </button>
        </div>
      </header>
      {children}
    </main>
  );
}
