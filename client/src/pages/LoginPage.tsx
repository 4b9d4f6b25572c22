import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { Alert, Button, Card, TextField, useDisplayPrefs } from '../ui';
import { homePathFor } from '../auth/homePath';

function retryAfterSeconds(e: ApiError): number | undefined {
  const v = (e.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof v === 'number' ? v : undefined;
}

export function LoginPage() {
  const { user, login, loading } = useAuth();
  const { t, lang, setLang, errorText } = useI18n();
  const { largeText, setLargeText } = useDisplayPrefs();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const from = (location.state as { from?: string } | null)?.from;
  if (!loading && user) return <Navigate to={from ?? homePathFor(user)} replace />;

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await login(username.trim(), password);
      navigate(from ?? homePathFor(u), { replace: true });
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  const rateLimited = error instanceof ApiError && error.code === 'AUTH_RATE_LIMITED';
  const wait = error instanceof ApiError ? retryAfterSeconds(error) : undefined;

  return (
    <main id="main" className="login-wrap">
      <div className="login-brand">
        <h1>{t('通办视审台', 'Tongban Desk')}</h1>
        <p className="muted">{t('跨省通办 · 收受分离 · 视频会审', 'Cross-province service · remote co-review')}</p>
      </div>
      <Card title={t('工作人员登录', 'Staff login')}>
        {error != null && (
          <Alert tone="block" title={rateLimited ? t('登录暂时被锁定', 'Login temporarily locked') : t('登录失败', 'Login failed')}>
            {rateLimited && wait !== undefined
              ? t(
                  `登录尝试过于频繁，为保护账号安全已暂时锁定，请在 ${wait} 秒后再试。`,
                  `Too many login attempts; to protect the account, try again in ${wait} s.`,
                )
              : errorText(error)}
          </Alert>
        )}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <TextField
            label={t('用户名', 'Username')}
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
          <TextField
            label={t('密码', 'Password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="submit" variant="primary" busy={busy} disabled={!username.trim() || !password} style={{ width: '100%' }}>
            {t('登录', 'Log in')}
          </Button>
        </form>
      </Card>
      <div className="page-actions" style={{ justifyContent: 'center' }}>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
        >
          {lang === 'zh' ? 'English' : '中文'}
        </button>
        <button type="button" className="btn btn-ghost" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>
          {t('大字模式', 'Large text')}
        </button>
      </div>
    </main>
  );
}
