import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/config';
import { announcedAddress } from '../call/sfuService';

/**
 * TLS_SELF_SIGNED=true: for a LAN trial, browsers only give cameras to secure contexts, and a
 * clerk's PC reaches the server by a LAN address. On first start, Debian's `openssl req` makes a
 * 2-year self-signed certificate for localhost, 127.0.0.1, the host name and the announced LAN
 * address, kept in DATA_DIR/tls. Each browser must accept (or import) it once.
 */
export function selfSignedTls(config: Config): { cert: Buffer; key: Buffer; certPath: string } {
  const dir = path.join(config.dataDir, 'tls');
  const certPath = path.join(dir, 'self-signed.crt');
  const keyPath = path.join(dir, 'self-signed.key');
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lan = announcedAddress({ RTC_LISTEN_IP: '0.0.0.0', RTC_ANNOUNCED_ADDRESS: config.RTC_ANNOUNCED_ADDRESS });
    const names = new Set(['DNS:localhost', 'IP:127.0.0.1', `DNS:${os.hostname()}`]);
    if (lan) names.add(/^[\d.]+$/.test(lan) ? `IP:${lan}` : `DNS:${lan}`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '730',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-subj',
        '/CN=Tongban Desk LAN trial',
        '-addext',
        `subjectAltName=${[...names].join(',')}`,
      ],
      { stdio: 'pipe' },
    );
    fs.chmodSync(keyPath, 0o600);
  }
  return { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath), certPath };
}
