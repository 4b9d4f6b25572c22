import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { PublicUser } from '@tongban/shared';
import { api, UNAUTHORIZED_EVENT } from '../api/client';
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

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<PublicUser | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let cancelled = false;
    const onUnauthorized = () => {
      closeSocket();
      setUser(null);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    const unsubscribe = () => {
      cancelled = true;
      window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    };
    // The session cookie is HttpOnly: only the server knows whether it is still valid. It answers
    // `{ user: null }` rather than 401 when it is not, so the login page logs no console error.
    api
      .get<{ user: PublicUser | null }>('/api/auth/me')
      .then((r) => !cancelled && setUser(r.user))
      .catch((e: unknown) => {
        console.warn('auth check failed', e);
        if (!cancelled) setUser(null);
      })
      .finally(() => !cancelled && setLoading(false));
    return unsubscribe;
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const r = await api.post<{ user: PublicUser }>('/api/auth/login', { username, password });
    closeSocket(); // a socket opened before login carries no session
    setUser(r.user);
    return r.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } catch {
      // The session may already be gone on the server; logging out locally is what matters.
    }
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
