import { randomBytes, randomUUID } from 'node:crypto';

/** Time, randomness and ids are injected so tests are deterministic. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface IdSource {
  uuid(): string;
  /** URL-safe random token of `bytes` bytes. */
  token(bytes?: number): string;
}
export const randomIds: IdSource = {
  uuid: () => randomUUID(),
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
};
