import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/config';
import { createLogger } from '../logger';
import { createContext, createReadOnlyContext, type AppContext, type ReadOnlyContext } from '../context';

interface CliCommandBase {
  /** May have a space: `audit verify`. */
  name: string;
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
}

interface CliRunArgs<Ctx> {
  values: Record<string, unknown>;
  positionals: string[];
  /** Opens the site's data directory (`--data DIR` or DATA_DIR). */
  open: () => Ctx;
}

/**
 * One CLI command. `data: 'read-only'` declares that it only reads the site's data: `open` then
 * gives a `ReadOnlyContext` (SQLite opened read-only, nothing started or swept), safe to run next
 * to a live server. Otherwise `open` builds the whole `AppContext`, as the server does at start.
 * `run` returns the process exit code.
 */
export type CliCommand =
  | (CliCommandBase & { data: 'read-only'; run(args: CliRunArgs<ReadOnlyContext>): Promise<number> })
  | (CliCommandBase & { data?: 'read-write'; run(args: CliRunArgs<AppContext>): Promise<number> });

export function parseCommandArgs(cmd: CliCommand, argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...(cmd.options ?? {}) },
  });
}

/** Runs `cmd` with the context it declared, over `--data DIR` or DATA_DIR, logs on stderr, quiet by default. */
export function runCommand(cmd: CliCommand, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const dataDir = values.data as string | undefined;
  const config = () => loadConfig(process.env, dataDir ? { DATA_DIR: dataDir } : {});
  const log = () => createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  if (cmd.data === 'read-only') return cmd.run({ values, positionals, open: () => createReadOnlyContext(config(), log()) });
  return cmd.run({ values, positionals, open: () => createContext(config(), log()) });
}
