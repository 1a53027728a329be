import type { CliIo } from './cli-command.js';
import { UsageError } from './cli-command.js';
import { COMMANDS } from './commands/index.js';

/** `kierto <command> [options]`: operator commands on the configured store; `--help` after any command prints its usage. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (name === undefined || name === 'help' || name === '--help' || command === undefined) {
    if (name !== undefined && name !== 'help' && name !== '--help') io.err(`unknown command: ${name}`);
    io.out('usage: kierto <command> [options]\n');
    for (const each of COMMANDS) io.out(`  ${each.name.padEnd(18)} ${each.summary}`);
    io.out('\nconfiguration: DATABASE_URL (PostgreSQL) or KIERTO_DATA_DIR (SQLite, default ./data)');
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`usage: kierto ${command.name} ${command.usage}`);
    io.out(`\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${command.name}: ${error.message}`);
      io.err(`usage: kierto ${command.name} ${command.usage}`);
      return 2;
    }
    io.err(`${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
