import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The site's Ed25519 signing key (generated on first use, kept under DATA_DIR/keys with mode
 * 0600) and the peer keys it trusts. A key is named by its fingerprint: the SHA-256 of the raw
 * 32-byte public key, in hex.
 */

export interface SigningKey {
  fingerprint: string;
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  sign(data: Buffer | string): string;
}

export interface TrustedKey {
  fingerprint: string;
  publicKey: string;
  /** The peer site id this key speaks for. */
  site: string;
}

export function fingerprintOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}

function publicKeyFromRaw(base64: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') }, format: 'jwk' });
}

/** Ed25519 signature check that answers false (never throws) for malformed keys or signatures. */
export function verifySignature(publicKeyBase64: string, data: Buffer | string, signatureBase64: string): boolean {
  try {
    const sig = Buffer.from(signatureBase64, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, typeof data === 'string' ? Buffer.from(data) : data, publicKeyFromRaw(publicKeyBase64), sig);
  } catch {
    return false;
  }
}

/** `fingerprint base64-public-key site` — the line `handoff key export` prints and a trust file holds. */
export function formatKeyLine(k: { fingerprint: string; publicKey: string }, site: string): string {
  return `${k.fingerprint} ${k.publicKey} ${site}`;
}

/** Parses trust lines; `#` comments and blank lines are skipped; a fingerprint that does not match its key is refused. */
export function parseTrustedKeys(text: string, source: string): TrustedKey[] {
  const out: TrustedKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [fingerprint, publicKey, site = ''] = line.split(/\s+/);
    const raw32 = Buffer.from(publicKey ?? '', 'base64');
    if (!fingerprint || raw32.length !== 32 || fingerprintOf(raw32) !== fingerprint.toLowerCase()) {
      throw new Error(
        `${source} line ${i + 1}: expected "sha256-fingerprint base64-ed25519-public-key site", with the fingerprint matching the key`,
      );
    }
    out.push({ fingerprint: fingerprint.toLowerCase(), publicKey: publicKey!, site });
  });
  return out;
}

export class SiteKeyring {
  private key: SigningKey | undefined;
  readonly trustFile: string;

  constructor(
    private readonly keysDir: string,
    readonly siteId: string,
    trustFile: string | undefined,
  ) {
    this.trustFile = trustFile ?? path.join(keysDir, 'trusted-peers.txt');
  }

  /** This site's signing key; created with 0600 permissions the first time it is needed. */
  signingKey(): SigningKey {
    if (this.key) return this.key;
    const file = path.join(this.keysDir, `site-${this.siteId}.ed25519.pem`);
    let priv: KeyObject;
    if (fs.existsSync(file)) {
      priv = createPrivateKey(fs.readFileSync(file));
    } else {
      fs.mkdirSync(this.keysDir, { recursive: true, mode: 0o700 });
      priv = generateKeyPairSync('ed25519').privateKey;
      // 'wx' so two processes starting together never overwrite each other's fresh key.
      try {
        fs.writeFileSync(file, priv.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        priv = createPrivateKey(fs.readFileSync(file));
      }
    }
    const raw = rawPublicKey(createPublicKey(priv));
    this.key = {
      fingerprint: fingerprintOf(raw),
      publicKey: raw.toString('base64'),
      sign: (data) => sign(null, typeof data === 'string' ? Buffer.from(data) : data, priv).toString('base64'),
    };
    return this.key;
  }

  exportLine(): string {
    return formatKeyLine(this.signingKey(), this.siteId);
  }

  /** Peer keys, read fresh each time so an administrator's edit applies without a restart. */
  trustedKeys(): TrustedKey[] {
    if (!fs.existsSync(this.trustFile)) return [];
    return parseTrustedKeys(fs.readFileSync(this.trustFile, 'utf8'), this.trustFile);
  }

  /** Adds (or keeps) a peer key line in the trust file. */
  trust(line: string): TrustedKey {
    const [k] = parseTrustedKeys(line, 'key line');
    if (!k || !k.site) throw new Error('key line: expected "fingerprint public-key site"');
    const existing = this.trustedKeys();
    if (!existing.some((e) => e.fingerprint === k.fingerprint)) {
      fs.mkdirSync(path.dirname(this.trustFile), { recursive: true });
      fs.appendFileSync(this.trustFile, `${formatKeyLine(k, k.site)}\n`, { mode: 0o644 });
    }
    return k;
  }
}
