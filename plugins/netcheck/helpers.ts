import type { Io } from '../../shared/cli/io.js';
import { connectKube } from '../../shared/kube/kube-client.js';
import { deleteHelperPod, listHelperPods } from '../../shared/nodes/helper-pool.js';
import { helperNodeAnnotation } from '../../shared/nodes/helper-pod.js';
import type { NetcheckArgs } from './command.js';

/** `kubectl netcheck helpers [--delete]`: helper pods in every namespace (they end by themselves; this is for the impatient). */
export async function runHelpers(args: NetcheckArgs, io: Io): Promise<number> {
  const kube = await connectKube(args, io.env);
  const pods = await listHelperPods(kube, args.namespace);
  if (args.delete) {
    for (const pod of pods) {
      await deleteHelperPod(kube, pod.metadata!.namespace!, pod.metadata!.name!);
      io.err.write(`deleted helper pod ${pod.metadata!.namespace}/${pod.metadata!.name} (node ${pod.spec?.nodeName})\n`);
    }
    if (pods.length === 0) io.err.write('no helper pod found\n');
    return 0;
  }
  const rows = pods.map((p) => ({
    namespace: p.metadata?.namespace, name: p.metadata?.name, node: p.spec?.nodeName ?? p.metadata?.annotations?.[helperNodeAnnotation],
    phase: p.status?.phase, created: p.metadata?.creationTimestamp, owner: p.metadata?.annotations?.['kubectl-netcheck/owner'],
  }));
  if (args.output === 'json') io.out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (args.output === 'yaml') io.out.write((await import('js-yaml')).dump(rows));
  else if (rows.length === 0) io.err.write('no helper pod found\n');
  else {
    io.out.write(`${['NAMESPACE', 'NAME', 'NODE', 'PHASE', 'CREATED', 'OWNER'].join('\t')}\n`);
    for (const r of rows) io.out.write(`${[r.namespace, r.name, r.node, r.phase, r.created, r.owner].join('\t')}\n`);
  }
  return 0;
}
