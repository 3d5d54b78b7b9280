import type { Argv } from 'yargs';

/** One flag as yargs defines it: what completion needs to know. */
export interface FlagSpec {
  name: string;
  aliases: string[];
  /** Takes no value (boolean or count). */
  noValue: boolean;
  /** A boolean defaulting to true: --no-NAME is the way to use it. */
  negatable: boolean;
  choices?: string[];
  describe?: string;
}

export interface CommandSpec {
  name: string;
  describe?: string;
  positionals: string[];
}

/** A plugin's flags and commands, read from its yargs definition (the one source of truth). */
export interface CompletionSpec {
  flags: FlagSpec[];
  /** The default command's positionals ('$0 <pod>'), and named subcommands ('iptables <node>'). */
  positionals: string[];
  commands: CommandSpec[];
}

interface YargsInternals {
  getInternalMethods(): {
    getUsageInstance(): { getDescriptions(): Record<string, string | undefined> };
    getCommandInstance(): { getCommandHandlers(): Record<string, { description?: string | false; demanded: { cmd: string[] }[]; optional: { cmd: string[] }[] }> };
  };
}

export function completionSpec(parser: Argv<unknown>): CompletionSpec {
  const options = (parser as unknown as { getOptions(): unknown }).getOptions() as {
    key: Record<string, boolean>; alias: Record<string, string[]>; boolean: string[]; count: string[];
    choices: Record<string, string[]>; default: Record<string, unknown>; hiddenOptions: string[];
  };
  const internals = (parser as unknown as YargsInternals).getInternalMethods();
  const descriptions = internals.getUsageInstance().getDescriptions();
  const aliasOf = new Set(Object.values(options.alias).flat());
  const flags: FlagSpec[] = Object.keys(options.key)
    .filter((name) => !aliasOf.has(name) && !options.hiddenOptions.includes(name) && name !== 'version')
    .map((name) => {
      const noValue = options.boolean.includes(name) || options.count.includes(name);
      const describe = descriptions[name]?.replace(/^__yargsString__:/, '');
      return {
        name,
        aliases: options.alias[name] ?? [],
        noValue,
        negatable: options.boolean.includes(name) && options.default[name] === true,
        ...(options.choices[name] && { choices: options.choices[name] }),
        ...(describe && { describe }),
      };
    });
  const handlers = internals.getCommandInstance().getCommandHandlers();
  const positionalsOf = (h: (typeof handlers)[string]) => [...h.demanded, ...h.optional].flatMap((p) => p.cmd.slice(0, 1));
  const commands = Object.entries(handlers)
    .filter(([name]) => name !== '$0')
    .map(([name, h]) => ({ name, positionals: positionalsOf(h), ...(h.description ? { describe: h.description } : {}) }));
  return { flags, positionals: handlers.$0 ? positionalsOf(handlers.$0) : [], commands };
}
