import fs from 'node:fs';
import { loadConfig } from './config/config';
import { createLogger } from './logger';
import { createContext } from './context';
import { listen } from './app';
import { seedDemo } from './seed/demoSeed';
import { isAppError } from '@tongban/shared';
import { selfSignedTls } from './tls/selfSigned';
import { describeRecording } from './review/recordingAvailability';

/** `npm start`: one process serving the client, the API, socket.io, the SFU and the OCR pool. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (isAppError(e)) {
      console.error(`配置错误 / configuration error:\n  ${(e.details as string[]).join('\n  ')}`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL);
  // Nothing restarts this process: a bug in one request or socket handler is logged as fatal (to be
  // fixed) but does not take the whole site down with every other user's calls.
  process.on('uncaughtException', (err, origin) => log.fatal({ err, origin }, 'uncaught exception (a bug); still running'));
  process.on('unhandledRejection', (err) => log.fatal({ err }, 'unhandled promise rejection (a bug); still running'));
  const ctx = createContext(config, log);
  ctx.recoverInterrupted();
  if (config.SEED_DEMO) {
    const seed = await seedDemo(ctx, config.DEMO_PASSWORD);
    if (seed.seeded) {
      log.info('demo data seeded');
      if (seed.generatedPassword)
        console.log(
          `\n演示账号 Demo logins: clerk / reviewer / supervisor / admin — password: ${seed.password}\n(set DEMO_PASSWORD to choose it)\n`,
        );
    }
  }
  const tls =
    config.TLS_CERT && config.TLS_KEY
      ? { cert: fs.readFileSync(config.TLS_CERT), key: fs.readFileSync(config.TLS_KEY) }
      : config.TLS_SELF_SIGNED
        ? selfSignedTls(config)
        : undefined;
  // Start the mediasoup workers now so a missing worker binary shows at boot (and in /api/health).
  ctx.call.sfu.start().catch((e: unknown) => log.error({ err: e }, 'SFU failed to start: video review is unavailable'));
  const app = await listen(ctx, tls);
  // Warm the OCR workers in the background; /api/health shows ocr.ready once they have loaded.
  void ctx.precheck.start().catch((e: unknown) => log.error({ err: e }, 'OCR pre-check could not start'));
  log.info({ url: app.url }, 'Tongban Desk is running');
  log.info({ recording: ctx.recordings.availability }, 'recording');
  console.log(`\n通办视审台 Tongban Desk: ${app.url}\n${describeRecording(ctx.recordings.availability)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await ctx.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
