import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

/**
 * 适老化 large-text mode: ≥ 20px base text, higher contrast and ≥ 44px hit targets, for elderly
 * applicants at the window. A data attribute on <html> switches the CSS variables; the choice is
 * remembered on this machine.
 */

interface DisplayPrefs {
  largeText: boolean;
  setLargeText(on: boolean): void;
}

const STORAGE_KEY = 'tongban.largeText';
const DisplayPrefsContext = createContext<DisplayPrefs | null>(null);

function initialLargeText(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

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

  const value = useMemo(() => ({ largeText, setLargeText }), [largeText, setLargeText]);
  return <DisplayPrefsContext.Provider value={value}>{children}</DisplayPrefsContext.Provider>;
}

export function useDisplayPrefs(): DisplayPrefs {
  const v = useContext(DisplayPrefsContext);
  if (!v) throw new Error('useDisplayPrefs must be used inside <DisplayPrefsProvider>');
  return v;
}
