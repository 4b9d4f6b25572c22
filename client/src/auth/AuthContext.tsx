import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { PublicUser } from '@tongban/shared';
import { api, ApiError, UNAUTHORIZED_EVENT } from '../api/client';
import { closeSocket } from '../api/socket';

/** Who is logged in. The session itself is an HttpOnly cookie; this only mirrors `/api/auth/me`. */

export interface Auth {
  user: PublicUser | null;
  /** True until the first `/api/auth/me` answer arrives. */
  loading: boolean;
  /** Throws ApiError (AUTH_INVALID_CREDENTIALS, AUTH_RATE_LIMITED, …) for the login form to show. */
  login(username: string, password: string): Promise<PublicUser>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

/**
 * Whether this browser logged in and has not logged out since. The cookie is HttpOnly, so without
 * this hint every fresh visit would ask `/api/auth/me`, get 401, and Chromium would log that 401 as
 * a console error on the login page.
 */
const SESSION_HINT_KEY = 'tongban.session';

function sessionHint(on?: boolean): boolean {
  try {
    if (on === true) localStorage.setItem(SESSION_HINT_KEY, '1');
    if (on === false) localStorage.removeItem(SESSION_HINT_KEY);
    return localStorage.getItem(SESSION_HINT_KEY) === '1';
  } catch {
    return true; // no storage: just ask the server
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<PublicUser | null>(null);
  const [loading, setLoading] = useState(sessionHint);

  useEffect(() => {
    let cancelled = false;
    const onUnauthorized = () => {
      sessionHint(false);
      closeSocket();
      setUser(null);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    const unsubscribe = () => {
      cancelled = true;
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    };
    if (!sessionHint()) return unsubscribe;
    api
      .get<{ user: PublicUser }>('/api/auth/me')
      .then((r) => !cancelled && setUser(r.user))
      .catch((e: unknown) => {
        // 401: the session expired. Anything else also leaves us on the login page.
        if (e instanceof ApiError && e.status === 401) sessionHint(false);
        else console.warn('auth check failed', e);
        if (!cancelled) setUser(null);
      })
      .finally(() => !cancelled && setLoading(false));
    return unsubscribe;
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const r = await api.post<{ user: PublicUser }>('/api/auth/login', { username, password });
    closeSocket(); // a socket opened before login carries no session
    sessionHint(true);
    setUser(r.user);
    return r.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // The session may already be gone on the server; logging out locally is what matters.
    }
    sessionHint(false);
    closeSocket();
    setUser(null);
  }, []);

  const value = useMemo<Auth>(() => ({ user, loading, login, logout }), [user, loading, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth must be used inside <AuthProvider>');
  return v;
}
