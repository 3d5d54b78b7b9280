import type { Io } from '../../shared/cli/io.js';
import { connectKube } from '../../shared/kube/kube-client.js';
import type { NetcheckArgs } from './command.js';

/** Placeholder until the diagnosis lands: proves the cluster can be read. */
export async function runNetcheck(args: NetcheckArgs, io: Io): Promise<number> {
  const kube = await connectKube(args);
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const core = kube.config.makeApiClient(CoreV1Api);
  const nodes = await kube.call({ verb: 'list', resource: 'nodes' }, () => core.listNode({ limit: 500 }));
  io.out.write(`${nodes.items.length} node(s) registered\n`);
  return 0;
}
