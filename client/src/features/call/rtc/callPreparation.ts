import { Device, type types } from 'mediasoup-client';
import { dtlsIdentity } from './dtlsIdentity';
import { openRtcSocket, type RtcSocket, type RtcSocketAuth } from './signalling';

/**
 * What the pre-join screen gets ready while the user checks their devices, so the join skips it:
 *
 * - The mediasoup Device. Loading one reads the browser's own RTP capabilities (a throwaway
 *   RTCPeerConnection and an offer: 11–17 ms measured on a loaded 2-core desk), so it is loaded
 *   ahead from the router capabilities the site's last join left in localStorage (else while the
 *   socket connects, else after the join answer). A site's router capabilities change only with
 *   its SFU's codec settings; a stale copy costs one more join. Each site has its own copy: a peer
 *   site's SFU may be set up differently.
 * - The DTLS certificate (dtlsIdentity.ts).
 * - The /rtc connection (as LiveKit's `prepareConnection`): the WebSocket and socket.io handshakes
 *   are done before the join, which is then one request on an open socket.
 */

const CAPS_KEY = 'tongban.rtc.routerCaps';

/** A site: undefined for this one, else the peer site's URL its calls are on. */
type Site = string | undefined;

let preparedDevice: { site: Site; capsJson: string; device: Promise<Device> } | undefined;

/** A connection opened ahead is closed this long after the pre-join screen went, if no call took it. */
const UNTAKEN_SOCKET_MS = 10_000;

interface PreparedSocket {
  auth: RtcSocketAuth;
  socket: RtcSocket;
  closing?: ReturnType<typeof setTimeout>;
}
let preparedSocket: PreparedSocket | undefined;

/**
 * On the pre-join screen of a call signed in with `auth` (this site's login by default): the
 * certificate, the connection and, if the site's capabilities are known, the Device. Returns what
 * to do when the screen goes: let a connection no call took close.
 */
export function prepareCall(auth: RtcSocketAuth = {}): () => void {
  void dtlsIdentity();
  const held = prepareSocket(auth);
  prepareDevice(auth.peer?.siteUrl);
  return () => {
    // Only this screen's connection, and only while no call took it.
    if (preparedSocket === held && !held.closing) held.closing = setTimeout(() => dropPreparedSocket(held.socket), UNTAKEN_SOCKET_MS);
  };
}

/** The /rtc connection for a call signed in with `auth`: the one prepared for exactly it, else a new one. */
export function rtcSocketFor(auth: RtcSocketAuth): RtcSocket {
  const held = preparedSocket;
  if (!held || !sameAuth(held.auth, auth)) return openRtcSocket(auth);
  clearTimeout(held.closing);
  preparedSocket = undefined;
  return held.socket;
}

function prepareSocket(auth: RtcSocketAuth): PreparedSocket {
  if (preparedSocket && sameAuth(preparedSocket.auth, auth)) {
    // Back on the pre-join screen before the connection was dropped: keep it.
    clearTimeout(preparedSocket.closing);
    delete preparedSocket.closing;
    return preparedSocket;
  }
  if (preparedSocket) dropPreparedSocket(preparedSocket.socket);
  preparedSocket = { auth, socket: openRtcSocket(auth) };
  return preparedSocket;
}

function dropPreparedSocket(socket: RtcSocket): void {
  if (preparedSocket?.socket === socket) preparedSocket = undefined;
  socket.close();
}

/** Same sign-in: the same applicant key or the same peer-site credential (its grant is spent once). */
const sameAuth = (a: RtcSocketAuth, b: RtcSocketAuth) => a.token === b.token && a.peer === b.peer;

function prepareDevice(site: Site): void {
  const capsJson = cachedRouterCaps(site);
  if (!capsJson || isPrepared(site, capsJson)) return;
  const device = loadDevice(capsJson);
  // A failed load is not kept: the join loads again and reports what fails then.
  device.catch(() => {
    if (preparedDevice?.device === device) preparedDevice = undefined;
  });
  preparedDevice = { site, capsJson, device };
}

/** A Device loaded for `capsJson` on `site`: the one prepared for exactly these (used once), else a new one. */
export function deviceFor(capsJson: string, site: Site, handlerFactory?: types.HandlerFactory): Promise<Device> {
  if (!handlerFactory && preparedDevice && isPrepared(site, capsJson)) {
    const { device } = preparedDevice;
    preparedDevice = undefined;
    return device;
  }
  return loadDevice(capsJson, handlerFactory);
}

export function cachedRouterCaps(site: Site): string | undefined {
  try {
    return localStorage.getItem(capsKey(site)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function rememberRouterCaps(site: Site, capsJson: string): void {
  try {
    localStorage.setItem(capsKey(site), capsJson);
  } catch {
    // Private mode or no storage: no cache, the Device loads after the join answer.
  }
}

const isPrepared = (site: Site, capsJson: string) =>
  preparedDevice !== undefined && preparedDevice.site === site && preparedDevice.capsJson === capsJson;
const capsKey = (site: Site) => (site ? `${CAPS_KEY}@${site}` : CAPS_KEY);

async function loadDevice(capsJson: string, handlerFactory?: types.HandlerFactory): Promise<Device> {
  const device = new Device(handlerFactory ? { handlerFactory } : {});
  await device.load({ routerRtpCapabilities: JSON.parse(capsJson) as types.RtpCapabilities });
  return device;
}
