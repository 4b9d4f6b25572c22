import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePeerSites } from '@tongban/server/config/config';
import { SiteKeyring, parseTrustedKeys } from '@tongban/server/handoff/siteKeys';
import { signEnvelope, signRequestHeaders, verifyEnvelope, verifyRequestHeaders } from '@tongban/server/handoff/siteSigning';
import { formatHandoffQr, parseHandoffQr } from '@tongban/shared/handoff/schemas';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-sign-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const gd = new SiteKeyring(path.join(dir, 'gd'), 'gd', undefined);
const trusted = parseTrustedKeys(gd.exportLine(), 'test');
const now = new Date('2026-01-01T08:00:00Z');
const sha = 'a'.repeat(64);
const signed = (over: Partial<{ path: string; now: Date }> = {}) =>
  signRequestHeaders(gd.signingKey(), 'gd', {
    method: 'POST',
    path: over.path ?? '/api/transfers',
    bodySha256: sha,
    idempotencyKey: 'k1',
    now: over.now ?? now,
  });
const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('site keys and signed requests', () => {
  it('keeps the key 0600 on disk and names it by the SHA-256 of the raw public key', () => {
    const k = gd.signingKey();
    const file = fs.readdirSync(path.join(dir, 'gd')).find((f) => f.endsWith('.pem'))!;
    expect(fs.statSync(path.join(dir, 'gd', file)).mode & 0o777).toBe(0o600);
    expect(k.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(new SiteKeyring(path.join(dir, 'gd'), 'gd', undefined).signingKey().fingerprint).toBe(k.fingerprint);
    expect(() =>
      parseTrustedKeys(
        gd.exportLine().replace(/^./, (c) => (c === '0' ? '1' : '0')),
        'bad',
      ),
    ).toThrow(/fingerprint matching the key/);
  });

  it('accepts a fresh signed request and refuses altered, replayed, foreign and unsigned ones', () => {
    expect(verifyRequestHeaders(signed(), 'POST', '/api/transfers', trusted, now)).toMatchObject({
      site: 'gd',
      bodySha256: sha,
      idempotencyKey: 'k1',
    });
    expect(code(() => verifyRequestHeaders(signed({ path: '/api/transfers/results' }), 'POST', '/api/transfers', trusted, now))).toBe(
      'TRANSFER_SIGNATURE_INVALID',
    );
    expect(
      code(() => verifyRequestHeaders({ ...signed(), 'x-tongban-body-sha256': 'b'.repeat(64) }, 'POST', '/api/transfers', trusted, now)),
    ).toBe('TRANSFER_SIGNATURE_INVALID');
    expect(
      code(() => verifyRequestHeaders(signed({ now: new Date(now.getTime() - 6 * 60_000) }), 'POST', '/api/transfers', trusted, now)),
    ).toBe('TRANSFER_EXPIRED');
    expect(code(() => verifyRequestHeaders({ ...signed(), 'x-tongban-site': 'hn' }, 'POST', '/api/transfers', trusted, now))).toBe(
      'TRANSFER_KEY_UNTRUSTED',
    );
    expect(code(() => verifyRequestHeaders(signed(), 'POST', '/api/transfers', [], now))).toBe('TRANSFER_KEY_UNTRUSTED');
    expect(code(() => verifyRequestHeaders({}, 'POST', '/api/transfers', trusted, now))).toBe('TRANSFER_UNSIGNED');
  });

  it('signs receipts so only the named site’s key verifies them, and any edit breaks them', () => {
    const env = signEnvelope(gd.signingKey(), { caseNo: 'GD-SG-20260101-0001', state: 'in_handling' });
    expect(verifyEnvelope(env, trusted, 'gd')).toBe(true);
    expect(verifyEnvelope(env, trusted, 'hn')).toBe(false);
    expect(verifyEnvelope({ ...env, payload: { ...env.payload, state: 'completed' } }, trusted, 'gd')).toBe(false);
  });

  it('parses PEER_SITES as id=url pairs or JSON and refuses anything else', () => {
    expect(parsePeerSites('hn=http://127.0.0.1:9090/, sc=https://sc.example:8443')).toEqual([
      { id: 'hn', url: 'http://127.0.0.1:9090' },
      { id: 'sc', url: 'https://sc.example:8443' },
    ]);
    expect(parsePeerSites('[{"id":"hn","url":"http://h:1"}]')).toEqual([{ id: 'hn', url: 'http://h:1' }]);
    expect(parsePeerSites('')).toEqual([]);
    expect(() => parsePeerSites('hn=ftp://x')).toThrow(/PEER_SITES/);
    expect(() => parsePeerSites('HN=http://x')).toThrow(/PEER_SITES/);
  });

  it('round-trips the cover sheet QR payload', () => {
    const tm = 'c'.repeat(64);
    expect(parseHandoffQr(formatHandoffQr('GD-SG-20260101-0001', tm))).toEqual({ caseNo: 'GD-SG-20260101-0001', tagmanifestSha256: tm });
    expect(parseHandoffQr('https://example.com')).toBeUndefined();
  });
});
