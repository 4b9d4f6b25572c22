/**
 * Minimal logger the SFU writes to. Injected (the server passes its own) so
 * `sfu/` has no logging dependency and stays quiet in tests by default.
 */
export interface SfuLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: SfuLogger = {
  info() {},
  warn() {},
  error() {},
};
