import pino, { type Logger } from 'pino';
import { maskIdNumber } from '@tongban/shared';

export type { Logger };

const ID_NUMBER = /\b(\d{6})(\d{8})(\d{3}[\dXx])\b/g;

/** Masks any 18-character ID number in a string so a full number never reaches a log line. */
export function maskIdNumbersIn(text: string): string {
  return text.replace(ID_NUMBER, (m) => maskIdNumber(m));
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'tongban' },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'cookie', '*.cookie', 'req.headers.cookie', 'idNumber', '*.idNumber'],
        censor: '[redacted]',
      },
      hooks: {
        // Last line of defence: mask ID numbers that slipped into a message string.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? maskIdNumbersIn(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}
