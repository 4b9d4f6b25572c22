import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/config';
import { createLogger } from '../logger';
import { createContext, type AppContext } from '../context';

/** One CLI command: its name (may have a space: `audit verify`), usage line and run function. */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  /** Returns the process exit code. */
  run(args: { values: Record<string, unknown>; positionals: string[]; open: () => AppContext }): Promise<number>;
}

export function parseCommandArgs(cmd: CliCommand, argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...(cmd.options ?? {}) },
  });
}

/** Opens the site's data directory (`--data DIR` or DATA_DIR) with logs on stderr, quiet by default. */
export function openContext(dataDir: string | undefined): AppContext {
  const config = loadConfig(process.env, dataDir ? { DATA_DIR: dataDir } : {});
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  return createContext(config, log);
}
