import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

/**
 * Where a printed or sent link points when PUBLIC_URL is not configured: this server's own address
 * and port as the user's connection reached it. Never the Host header, which any client can
 * write: a forged one would put another site in the QR code the applicant scans.
 */
export function serverOriginOf(req: Request): string {
  const socket = req.socket as TLSSocket;
  const ip = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `${socket.encrypted ? 'https' : 'http'}://${net.isIPv6(ip) ? `[${ip}]` : ip}:${socket.localPort}`;
}
