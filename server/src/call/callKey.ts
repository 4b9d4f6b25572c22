/** Which live call: a co-review session's, or a /check self-test (one per `/rtc` socket, by its id). */
export type CallKey = { kind: 'review'; sessionId: string } | { kind: 'selfTest'; peerId: string };

/**
 * A call's one string form: its SFU room id and its socket.io room in `/rtc`. Made here only and
 * never parsed back: whoever needs the key gets the CallKey itself.
 */
export function callId(key: CallKey): string {
  return key.kind === 'review' ? `review:${key.sessionId}` : `check:${key.peerId}`;
}
