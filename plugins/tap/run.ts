import { PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import type { TapArgs } from './command.js';

export async function runTap(args: TapArgs, _io: Io): Promise<number> {
  throw new PluginError(`tap of pod ${args.pod ?? '(none)'} is not available in this build yet`, 1);
}
