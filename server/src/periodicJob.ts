import type { Logger } from './logger';

/** A job the serving process runs at start and then every so often. */
export interface PeriodicJob {
  /** Runs it now and every `minutes` after; called from `recoverInterrupted`, never by a CLI command. */
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * One place for the sweeps (补正逾期, default ratings, reminders, retention): one run at a time, a
 * failure logged with the job's name and tried again next time, the timer never keeping the
 * process alive.
 */
export function periodicJob(log: Logger, name: string, minutes: number, run: () => unknown): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (err: unknown) => log.error({ err, job: name }, `${name}: run failed`),
      )
      .finally(() => (running = undefined));
  };
  return {
    start() {
      timer = setInterval(tick, minutes * 60_000);
      timer.unref();
      tick();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
