import { isAppError } from '@tongban/shared';
import { parseCommandArgs, runCommand, type CliCommand } from './command';
import { seedCommand } from './commands/seed';
import { auditVerifyCommand } from './commands/auditVerify';
import { demoCaseCommand } from './commands/demoCase';
import { precheckCommand } from './commands/precheck';
import { handoffCommands } from './commands/handoff';
import { demoSitesCommand } from './commands/demoSites';

/** Every command of `npx tongban`. Each feature module adds its own command file. */
const COMMANDS: CliCommand[] = [seedCommand, auditVerifyCommand, precheckCommand, demoCaseCommand, ...handoffCommands, demoSitesCommand];

function usage(): string {
  return [
    'Usage: tongban <command> [options]   (every command takes --data DIR)',
    '',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`),
  ].join('\n');
}

async function run(argv: string[]): Promise<number> {
  // Longest match first so `audit verify` wins over a hypothetical `audit`.
  const cmd = [...COMMANDS]
    .sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
    .find((c) => c.name.split(' ').every((w, i) => argv[i] === w));
  if (!cmd) {
    console.error(argv.length ? `Unknown command: ${argv.join(' ')}\n\n${usage()}` : usage());
    return argv.length ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(cmd, argv.slice(cmd.name.split(' ').length));
  } catch (e) {
    console.error(`${(e as Error).message}\nUsage: ${cmd.usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(`Usage: ${cmd.usage}\n${cmd.summary}`);
    return 0;
  }
  return runCommand(cmd, parsed.values, parsed.positionals);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (isAppError(e))
      console.error(`错误 / error ${e.code}: ${e.message_zh} / ${e.message_en}${e.details ? `\n${JSON.stringify(e.details)}` : ''}`);
    else console.error(e);
    process.exit(1);
  },
);
