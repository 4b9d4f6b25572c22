import pino, { type Logger } from 'pino';
import { maskIdNumbersInText } from '@tongban/shared/cases/masking';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'tongban' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'cookie',
          '*.cookie',
          'req.headers.cookie',
          'idNumber',
          '*.idNumber',
          // Join grants and their rejoin keys are bearer credentials.
          'grant',
          '*.grant',
          'grantId',
          '*.grantId',
          'rejoin',
          '*.rejoin',
          'rejoinKey',
          '*.rejoinKey',
          'authorization',
          '*.authorization',
        ],
        censor: '[redacted]',
      },
      hooks: {
        // Last line of defence: mask ID numbers that slipped into a message string.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? maskIdNumbersInText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
