/** socket.io room names, one place for all: the default namespace's (joined at connection, realtime/index.ts)… */
export const officeRoom = (officeId: string) => `office:${officeId}`;
export const roleRoom = (role: string) => `role:${role}`;
export const userRoom = (userId: string) => `user:${userId}`;
/**
 * …and the `/rtc` namespace's: a handling office's live co-review queue (reviewers watching 待审队列).
 * A call's own room is named by its CallKey (call/callKey.ts: callId).
 */
export const reviewQueueRoom = (officeId: string) => `queue:${officeId}`;
