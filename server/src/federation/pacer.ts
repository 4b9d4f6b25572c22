import type { Clock } from '../clock';
import type { Logger } from '../logger';

/**
 * Runs timed work one run at a time: soon after a kick, else when the last run said its next
 * piece is due (and at least every `maxIdleMs`). Nothing runs before `start`, so a CLI command
 * building the context never sends on behalf of the server.
 */
export class Pacer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly work: (signal: AbortSignal) => Promise<Date | undefined>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly maxIdleMs = 60_000,
  ) {}

  start(): void {
    this.started = true;
    this.kick();
  }

  /** Runs the work soon: deferred, so a kick inside a transaction runs after it has committed. */
  kick(): void {
    setImmediate(() => this.runNow());
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private runNow(): void {
    if (!this.started || this.abort.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.run();
  }

  private async run(): Promise<void> {
    let next: Date | undefined;
    try {
      next = await this.work(this.abort.signal);
    } catch (err) {
      this.log.error({ err }, 'federation: timed work failed');
    }
    this.running = undefined;
    if (this.abort.signal.aborted) return;
    if (this.again) {
      this.again = false;
      this.runNow();
      return;
    }
    const wait = next === undefined ? this.maxIdleMs : next.getTime() - this.clock.now().getTime();
    this.timer = setTimeout(() => this.runNow(), Math.min(this.maxIdleMs, Math.max(0, wait)));
    this.timer.unref();
  }
}
