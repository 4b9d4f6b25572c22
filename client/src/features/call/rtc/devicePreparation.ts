import { Device, type types } from 'mediasoup-client';
import { dtlsIdentity } from './dtlsIdentity';

/**
 * The mediasoup Device a join starts from. Loading one reads the browser's own RTP capabilities
 * (a throwaway RTCPeerConnection and an offer: 11–17 ms measured on a loaded 2-core desk), so it
 * is loaded ahead from the router capabilities the site's last join left in localStorage: on the
 * pre-join screen (`prepareCall`), else while the join request is in flight. A site's router
 * capabilities change only with its SFU's codec settings; a stale copy costs one more load after
 * the join answer. Each site has its own copy: a peer site's SFU may be set up differently.
 */

const CAPS_KEY = 'tongban.rtc.routerCaps';

/** A site: undefined for this one, else the peer site's URL its calls are on. */
type Site = string | undefined;

let prepared: { site: Site; capsJson: string; device: Promise<Device> } | undefined;

/** On the pre-join screen: the DTLS certificate, and the Device for a call on `site` if its capabilities are known. */
export function prepareCall(site?: string): void {
  void dtlsIdentity();
  const capsJson = cachedRouterCaps(site);
  if (!capsJson || isPrepared(site, capsJson)) return;
  const device = loadDevice(capsJson);
  // A failed load is not kept: the join loads again and reports what fails then.
  device.catch(() => {
    if (prepared?.device === device) prepared = undefined;
  });
  prepared = { site, capsJson, device };
}

/** A Device loaded for `capsJson` on `site`: the one prepared for exactly these (used once), else a new one. */
export function deviceFor(capsJson: string, site: Site, handlerFactory?: types.HandlerFactory): Promise<Device> {
  if (!handlerFactory && prepared && isPrepared(site, capsJson)) {
    const { device } = prepared;
    prepared = undefined;
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

const isPrepared = (site: Site, capsJson: string) => prepared !== undefined && prepared.site === site && prepared.capsJson === capsJson;
const capsKey = (site: Site) => (site ? `${CAPS_KEY}@${site}` : CAPS_KEY);

async function loadDevice(capsJson: string, handlerFactory?: types.HandlerFactory): Promise<Device> {
  const device = new Device(handlerFactory ? { handlerFactory } : {});
  await device.load({ routerRtpCapabilities: JSON.parse(capsJson) as types.RtpCapabilities });
  return device;
}
