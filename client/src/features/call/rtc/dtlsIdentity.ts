import type { types } from 'mediasoup-client';

/**
 * The DTLS certificate this page's call transports are made with, generated once. Its
 * fingerprint is known before any transport exists, so the join carries it and the server
 * connects the new transports at once; otherwise mediasoup-client makes a transport's first
 * answer and then waits a round trip (`rtc:connectTransport`) before ICE and DTLS may start.
 * A browser makes a certificate per RTCPeerConnection by default; one per page is as private
 * (the key never leaves the browser) and is renewed a day before it expires.
 */
export interface DtlsIdentity {
  certificate: RTCCertificate;
  /** As mediasoup-client reports a transport made with `certificate` (the browser is the DTLS client). */
  dtlsParameters: types.DtlsParameters;
}

const RENEW_BEFORE_EXPIRY_MS = 24 * 3600_000;
let current: Promise<DtlsIdentity | undefined> | undefined;

/** The page's identity, or undefined where the browser cannot make one (the transports then connect by asking). */
export async function dtlsIdentity(): Promise<DtlsIdentity | undefined> {
  if (typeof RTCPeerConnection === 'undefined' || typeof RTCPeerConnection.generateCertificate !== 'function') return undefined;
  const held = await (current ??= generate());
  if (held && held.certificate.expires - Date.now() > RENEW_BEFORE_EXPIRY_MS) return held;
  return (current = generate());
}

async function generate(): Promise<DtlsIdentity | undefined> {
  try {
    // ECDSA P-256: what Chromium and Firefox make for a peer connection themselves.
    const certificate = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams);
    const fingerprints = certificate
      .getFingerprints()
      .filter((f): f is { algorithm: types.FingerprintAlgorithm; value: string } => Boolean(f.algorithm && f.value))
      .map((f) => ({ algorithm: f.algorithm, value: f.value.toUpperCase() }));
    return fingerprints.length ? { certificate, dtlsParameters: { role: 'client', fingerprints } } : undefined;
  } catch (e) {
    console.warn(`no DTLS certificate of our own (${String(e)}): each call transport connects by asking the server`);
    return undefined;
  }
}

/** Whether a transport's own DTLS parameters are those the join sent (same role, every fingerprint among them). */
export function isIdentityOf(identity: DtlsIdentity, reported: types.DtlsParameters): boolean {
  const ours = new Set(identity.dtlsParameters.fingerprints.map((f) => `${f.algorithm} ${f.value.toUpperCase()}`));
  return (
    (reported.role ?? 'auto') === identity.dtlsParameters.role &&
    reported.fingerprints.length > 0 &&
    reported.fingerprints.every((f) => ours.has(`${f.algorithm} ${f.value.toUpperCase()}`))
  );
}
