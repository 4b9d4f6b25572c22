/**
 * The one way the client talks REST to the server: same-origin fetch with the session cookie,
 * JSON in and out, and every failure turned into an ApiError carrying the server's stable code
 * and its bilingual message.
 */
import type { CodedError, ErrorBody } from '@tongban/shared/errors';

export class ApiError extends Error implements CodedError {
  readonly code: string;
  readonly status: number;
  readonly message_zh: string;
  readonly message_en: string;
  readonly details: unknown;

  constructor(status: number, code: string, message_zh: string, message_en: string, details?: unknown) {
    super(message_en);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.message_zh = message_zh;
    this.message_en = message_en;
    this.details = details;
  }

  /** Builds the error from a non-2xx response body (which may not be JSON at all, e.g. a proxy page). */
  static fromBody(status: number, body: unknown): ApiError {
    const e = (body as { error?: Partial<ErrorBody['error']> } | null)?.error;
    if (e?.code) {
      const zh = e.message_zh ?? e.message ?? e.code;
      return new ApiError(status, e.code, zh, e.message_en ?? zh, e.details);
    }
    return new ApiError(
      status,
      `HTTP_${status}`,
      `服务器返回错误（${status}），请稍后重试`,
      `The server answered ${status}; try again later`,
    );
  }

  static network(cause: unknown): ApiError {
    return new ApiError(
      0,
      'NETWORK_ERROR',
      '无法连接服务器，请检查网络后重试',
      'Cannot reach the server; check the network and try again',
      { cause: String(cause) },
    );
  }
}

/**
 * Fired (as a window event) when a call other than login answers 401: the session expired or was
 * revoked. AuthContext listens and sends the user back to the login page.
 */
export const UNAUTHORIZED_EVENT = 'tongban:unauthorized';

function reportUnauthorized(path: string, status: number): void {
  if (status === 401 && !path.startsWith('/api/auth/')) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw ApiError.network(e);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!res.ok) {
    reportUnauthorized(path, res.status);
    throw ApiError.fromBody(res.status, parsed);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

/**
 * Multipart upload (field `file`) with progress. XMLHttpRequest, because fetch has no upload
 * progress events; `onProgress` gets 0..1 as bytes leave the browser.
 */
export function upload<T>(path: string, file: Blob, fileName: string, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total);
    };
    xhr.onload = () => {
      let parsed: unknown = undefined;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(parsed as T);
      } else {
        reportUnauthorized(path, xhr.status);
        reject(ApiError.fromBody(xhr.status, parsed));
      }
    };
    xhr.onerror = () => reject(ApiError.network('upload failed'));
    xhr.onabort = () => reject(ApiError.network('upload aborted'));
    const form = new FormData();
    form.append('file', file, fileName);
    xhr.send(form);
  });
}
