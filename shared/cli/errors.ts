/** Exit codes shared by the three plugins. */
export const ExitCode = {
  ok: 0,
  problemsFound: 1,
  usage: 2,
  couldNotCheck: 3,
  interrupted: 130,
} as const;

/**
 * The one error type of the bundle: a human message, the exit code the
 * process ends with, and a hint naming what to do next. Only runPlugin
 * prints it.
 */
export class PluginError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PluginError';
  }
}

/** A bad flag or argument: exit 2, and the usage is printed. */
export class UsageError extends PluginError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
    this.name = 'UsageError';
  }
}

/** Anything thrown that is not a PluginError becomes one (exit 1). */
export function asPluginError(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  if (error instanceof Error) return new PluginError(error.message, 1, undefined, { cause: error });
  return new PluginError(String(error));
}
