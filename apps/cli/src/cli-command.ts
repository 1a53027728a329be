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

/** Reads `--name value` options and bare arguments; unknown options are a UsageError. */
export function parseOptions(
  args: readonly string[],
  known: readonly string[],
  flags: readonly string[] = [],
): { options: Map<string, string>; flags: Set<string>; rest: string[] } {
  const options = new Map<string, string>();
  const seenFlags = new Set<string>();
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (flags.includes(name)) {
      seenFlags.add(name);
    } else if (known.includes(name)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
      i += 1;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { options, flags: seenFlags, rest };
}
