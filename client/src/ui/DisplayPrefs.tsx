import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/**
 * 适老化 large-text mode: ≥ 20px base text, higher contrast and ≥ 44px hit targets, for elderly
 * applicants at the window. A data attribute on <html> switches the CSS variables; the choice is
 * remembered on this machine.
 */

interface DisplayPrefs {
  largeText: boolean;
  setLargeText(on: boolean): void;
  /** Large text unless this machine's user chose otherwise (the applicant's phone pages), without remembering it. */
  largeTextByDefault(): void;
}

const STORAGE_KEY = 'tongban.largeText';
const DisplayPrefsContext = createContext<DisplayPrefs | null>(null);

function storedChoice(): boolean | undefined {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === null ? undefined : v === '1';
  } catch {
    return undefined;
  }
}

const initialLargeText = () => storedChoice() ?? false;

export function DisplayPrefsProvider({ children }: { children: ReactNode }) {
  const [largeText, setState] = useState(initialLargeText);

  useEffect(() => {
    if (largeText) document.documentElement.dataset.largeText = 'on';
    else delete document.documentElement.dataset.largeText;
  }, [largeText]);

  const setLargeText = useCallback((on: boolean) => {
    setState(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      // Private mode: lasts for this page only.
    }
  }, []);

  const largeTextByDefault = useCallback(() => {
    if (storedChoice() === undefined) setState(true);
  }, []);

  const value = useMemo(() => ({ largeText, setLargeText, largeTextByDefault }), [largeText, setLargeText, largeTextByDefault]);
  return <DisplayPrefsContext.Provider value={value}>{children}</DisplayPrefsContext.Provider>;
}

export function useDisplayPrefs(): DisplayPrefs {
  const v = useContext(DisplayPrefsContext);
  if (!v) throw new Error('useDisplayPrefs must be used inside <DisplayPrefsProvider>');
  return v;
}
