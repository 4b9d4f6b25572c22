import { describe, expect, it } from 'vitest';
import { isIdentityOf, type DtlsIdentity } from '../../client/src/features/call/rtc/dtlsIdentity';

const value = (byte: string) => Array(32).fill(byte).join(':');
const identity = {
  certificate: {} as RTCCertificate,
  dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: value('AB') }] },
} satisfies DtlsIdentity;

describe('a transport made with the page certificate (isIdentityOf)', () => {
  it('is told by its fingerprint, whatever its case', () => {
    expect(isIdentityOf(identity, { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: value('ab') }] })).toBe(true);
  });
  it('is not one with another fingerprint, another algorithm, another role or no fingerprint', () => {
    expect(isIdentityOf(identity, { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: value('CD') }] })).toBe(false);
    expect(isIdentityOf(identity, { role: 'client', fingerprints: [{ algorithm: 'sha-512', value: value('AB') }] })).toBe(false);
    expect(isIdentityOf(identity, { role: 'server', fingerprints: [{ algorithm: 'sha-256', value: value('AB') }] })).toBe(false);
    expect(isIdentityOf(identity, { role: 'client', fingerprints: [] })).toBe(false);
  });
});
