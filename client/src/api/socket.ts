import { io, type Socket } from 'socket.io-client';

/**
 * One shared socket.io connection to the default namespace. The HttpOnly session cookie rides on
 * the handshake, so the socket is only useful after login; AuthContext closes it on logout so the
 * next user gets a fresh, correctly authenticated connection.
 */

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

let socket: Socket | null = null;
let state: ConnectionState = 'offline';
const listeners = new Set<(s: ConnectionState) => void>();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  for (const cb of listeners) cb(state);
}

export function getSocket(): Socket {
  if (socket) return socket;
  const s = io({ path: '/socket.io', withCredentials: true, reconnection: true, reconnectionDelayMax: 5000 });
  setState('connecting');
  s.on('connect', () => setState('connected'));
  s.on('disconnect', () => setState(s.active ? 'reconnecting' : 'offline'));
  // A refused handshake (e.g. AUTH_REQUIRED) leaves the socket inactive: no retry loop.
  s.on('connect_error', () => setState(s.active ? 'reconnecting' : 'offline'));
  socket = s;
  return s;
}

/** Subscribe to connection changes (for the "reconnecting" banner). Returns the unsubscribe function. */
export function onConnectionState(cb: (s: ConnectionState) => void): () => void {
  listeners.add(cb);
  cb(state);
  return () => {
    listeners.delete(cb);
  };
}

/** Drops the shared connection (logout, or login as someone else). */
export function closeSocket(): void {
  if (!socket) return;
  socket.removeAllListeners();
  socket.disconnect();
  socket = null;
  setState('offline');
}
