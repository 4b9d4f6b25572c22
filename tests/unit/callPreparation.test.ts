import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Signalling from '../../client/src/features/call/rtc/signalling';
import type { RtcSocketAuth } from '../../client/src/features/call/rtc/signalling';

/** The sockets openRtcSocket made, with the sign-in each was made for and whether it was closed. */
const opened: Array<{ auth: RtcSocketAuth; closed: boolean; close(): void }> = [];
vi.mock('../../client/src/features/call/rtc/signalling', async (original) => ({
  ...(await original<typeof Signalling>()),
  openRtcSocket: (auth: RtcSocketAuth = {}) => {
    const socket = {
      auth,
      closed: false,
      close() {
        socket.closed = true;
      },
    };
    opened.push(socket);
    return socket;
  },
}));
const { prepareCall, rtcSocketFor } = await import('../../client/src/features/call/rtc/callPreparation');
const { PeerSiteCredential } = await import('../../client/src/features/call/rtc/signalling');

describe('the pre-join screen opens the call’s connection ahead', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    opened.length = 0;
  });
  afterEach(() => {
    // Nothing prepared is left for the next test.
    rtcSocketFor({});
    vi.useRealTimers();
  });

  it('the call signed in the same way takes it; the next call gets a new one', () => {
    const screenGone = prepareCall();
    expect(opened).toHaveLength(1);
    screenGone();
    const socket = rtcSocketFor({});
    expect(socket).toBe(opened[0]);
    vi.advanceTimersByTime(60_000);
    expect(opened[0]!.closed).toBe(false); // taken: the call closes it when it ends
    expect(rtcSocketFor({})).not.toBe(socket);
    expect(opened).toHaveLength(2);
  });

  it('a call signed in otherwise (an applicant key, another peer credential) never gets it', () => {
    const peer = new PeerSiteCredential('https://gd.example', 'grant-a');
    prepareCall({ peer });
    expect(rtcSocketFor({ peer: new PeerSiteCredential('https://gd.example', 'grant-b') })).not.toBe(opened[0]);
    expect(rtcSocketFor({ token: 'ak_1' })).not.toBe(opened[0]);
    expect(rtcSocketFor({})).not.toBe(opened[0]);
    expect(rtcSocketFor({ peer })).toBe(opened[0]);
  });

  it('one nobody takes closes 10 s after the screen went; coming back before keeps it', () => {
    let screenGone = prepareCall();
    screenGone();
    vi.advanceTimersByTime(9_000);
    // Back on the screen (or React mounting it twice): the same connection, not a second one.
    screenGone = prepareCall();
    expect(opened).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(opened[0]!.closed).toBe(false);
    screenGone();
    vi.advanceTimersByTime(10_000);
    expect(opened[0]!.closed).toBe(true);
    expect(rtcSocketFor({})).not.toBe(opened[0]);
  });

  it('a screen for another call replaces it', () => {
    prepareCall();
    prepareCall({ peer: new PeerSiteCredential('https://gd.example', 'grant-a') });
    expect(opened.map((s) => s.closed)).toEqual([true, false]);
  });
});
