import { PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import type { NsenterArgs } from './command.js';

export async function runNsenter(args: NsenterArgs, _io: Io): Promise<number> {
  throw new PluginError(`nsenter into pod ${args.pod} is not available in this build yet`, 1);
}
