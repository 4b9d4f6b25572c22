import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CodedError } from '@tongban/shared/errors';

/**
 * Bilingual strings live at the call site — `t('我的办件', 'My cases')` — so feature teams never
 * edit a shared catalogue. Simplified Chinese is the default; the English choice is remembered.
 */

export type Lang = 'zh' | 'en';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(zh: string, en: string): string;
  /** A user-facing message for anything thrown: a coded error's own message, else a generic one. */
  errorText(e: unknown): string;
}

const STORAGE_KEY = 'tongban.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** ApiError and RtcError, recognised by shape: importing RtcError here would load socket.io with every page. */
function isCodedError(e: unknown): e is Error & CodedError {
  const c = e as Partial<CodedError> | null;
  return e instanceof Error && typeof c?.code === 'string' && typeof c.message_zh === 'string' && typeof c.message_en === 'string';
}

export function errorTextFor(lang: Lang, e: unknown): string {
  if (isCodedError(e)) return lang === 'zh' ? e.message_zh : e.message_en;
  if (e instanceof Error && e.message) {
    return lang === 'zh' ? `操作失败：${e.message}` : `Something went wrong: ${e.message}`;
  }
  return lang === 'zh' ? '操作失败，请重试' : 'Something went wrong; try again';
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = lang === 'zh' ? '通办视审台' : 'Tongban Desk';
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);

  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (zh, en) => (lang === 'zh' ? zh : en),
      errorText: (e) => errorTextFor(lang, e),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n must be used inside <I18nProvider>');
  return v;
}
