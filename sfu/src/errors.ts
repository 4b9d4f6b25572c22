/**
 * Errors thrown by the SFU layer. Plain `Error` subclasses with a stable `code`
 * string so the server can map them to its own AppError (and tests can assert
 * on the code) without `sfu/` depending on the server.
 */
export type SfuErrorCode =
  | 'SFU_POOL_CLOSED'
  | 'SFU_NO_WORKER'
  | 'SFU_ROOM_CLOSED'
  | 'SFU_PEER_EXISTS'
  | 'SFU_PEER_NOT_FOUND'
  | 'SFU_TRANSPORT_NOT_FOUND'
  | 'SFU_TRANSPORT_DIRECTION'
  | 'SFU_PRODUCER_NOT_FOUND'
  | 'SFU_CONSUMER_NOT_FOUND'
  | 'SFU_CANNOT_CONSUME'
  | 'SFU_LIMIT_EXCEEDED';

export class SfuError extends Error {
  readonly code: SfuErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: SfuErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SfuError';
    this.code = code;
    this.details = details;
  }
}

export function isSfuError(err: unknown): err is SfuError {
  return err instanceof SfuError;
}
