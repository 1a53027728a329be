import { parseArgs } from 'node:util';

/** One operator command of `kierto` (apps/cli). */
export interface CliCommand {
  readonly name: string;
  /** One line for `kierto help`. */
  readonly summary: string;
  /** Usage lines after the command name, e.g. "--out <file>". */
  readonly usage: string;
  /** Returns the process exit code; writes results to `io.out`, problems to `io.err`. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Reads `--name value` and `--name=value` options, `--flag` switches and bare arguments with Node's
 * `util.parseArgs`; anything it refuses (an unknown option, a missing value, a value given to a
 * switch) becomes a UsageError, so the caller prints the command's usage.
 */
export function parseOptions(
  args: readonly string[],
  known: readonly string[],
  flags: readonly string[] = [],
): { options: Map<string, string>; flags: Set<string>; rest: string[] } {
  const config: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of known) config[name] = { type: 'string' };
  for (const name of flags) config[name] = { type: 'boolean' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(usageMessageOf(error));
  }
  const options = new Map<string, string>();
  const seenFlags = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') options.set(name, value);
    else if (value === true) seenFlags.add(name);
  }
  return { options, flags: seenFlags, rest: parsed.positionals };
}

/** parseArgs explains itself at length; the usage printed after this line says the rest. */
function usageMessageOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-{1,2}[^'\s<=]+)/.exec(message)?.[1] ?? 'option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('does not take an argument') ? `${option} takes no value` : `${option} needs a value`;
  }
  return message.split('\n')[0] ?? message;
}
