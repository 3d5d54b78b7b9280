import yaml from 'js-yaml';
import type { Io } from '../../shared/cli/io.js';
import { connectKube } from '../../shared/kube/kube-client.js';
import { renderInterfaceMap } from '../../shared/net/interface-map.js';
import { openNodeShells } from '../../shared/nodes/open-shells.js';
import { findContainerPid, pidLookupPlan } from '../../shared/pods/container-pid.js';
import { readPodInterfaceMap } from '../../shared/pods/pod-interfaces.js';
import { readPodAndNode } from '../../shared/pods/read-objects.js';
import { nodeRuntime } from '../../shared/runtime/container-ref.js';
import { nsenterArgv } from '../../shared/runtime/nsenter-argv.js';
import { pickContainer } from '../../shared/runtime/pick-container.js';
import { quoteArgv } from '../../shared/ssh/quote.js';
import { signalExitCode } from '../../shared/ssh/exit-status.js';
import type { NsenterArgs } from './command.js';

/** Pod → node and container → SSH → PID → nsenter; the remote exit code becomes ours. */
export async function runNsenter(args: NsenterArgs, io: Io): Promise<number> {
  const namespaces = args.ns.split(',').map((n) => n.trim()).filter(Boolean);
  const kube = await connectKube(args, io.env);
  const { pod, node } = await readPodAndNode(kube, kube.namespace, args.pod);
  const picked = pickContainer(pod, args.container);
  if (picked.note) io.err.write(`note: ${picked.note}\n`);
  const runtime = nodeRuntime(node)?.runtime ?? picked.ref.runtime;
  const pool = await openNodeShells(args, io, kube);
  try {
    if (args.dryRun) {
      const command = args.ifaces ? ['ip', '-j', '-d', 'addr', 'show'] : args.command;
      io.out.write([
        `# node ${node.metadata?.name}, ${pool.describe(node)}; container ${picked.container} ${picked.ref.runtime}://${picked.ref.id}`,
        '# PID lookup, first that answers:',
        ...pidLookupPlan(picked, runtime).map((s) => `${quoteArgv(s.argv)}    # ${s.name}`),
        '# then:',
        quoteArgv(nsenterArgv(999999, namespaces, command)).replace('999999', '<PID>'),
        ...(args.ifaces ? [quoteArgv(['ip', '-j', '-d', 'link', 'show'])] : []),
      ].join('\n') + '\n');
      return 0;
    }
    const shell = await pool.shell(node);
    const { pid, via } = await findContainerPid(shell, picked, runtime);
    if (args.verbose > 0) io.err.write(`pod ${picked.pod}: container ${picked.container} is PID ${pid} on ${node.metadata?.name} (via ${via})\n`);
    if (args.ifaces) {
      const map = await readPodInterfaceMap(shell, pid);
      const doc = { pod: picked.pod, node: node.metadata?.name, pid, ...map };
      io.out.write(args.output === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : args.output === 'yaml' ? yaml.dump(doc) : `${renderInterfaceMap(map).trimEnd()}\n`);
      return 0;
    }
    const stdinIsTerminal = process.stdin.isTTY === true;
    const forwardStdin = args.interactive || !stdinIsTerminal;
    const restoreTerminal = args.tty && stdinIsTerminal ? rawTerminal() : undefined;
    try {
      const result = await shell.exec(nsenterArgv(pid, namespaces, args.command), {
        sudo: true,
        stdout: io.out,
        stderr: io.err,
        ...(forwardStdin && { stdin: process.stdin }),
        ...(args.tty && { pty: { rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80, term: io.env.TERM ?? 'xterm', resizeFrom: process.stdout } }),
      });
      return result.code ?? signalExitCode(result.signal);
    } finally {
      restoreTerminal?.();
    }
  } finally {
    await pool.closeAll();
  }
}

/** -t on a terminal: keys (Ctrl-C included) go to the remote side as typed. */
function rawTerminal(): () => void {
  process.stdin.setRawMode(true);
  return () => {
    process.stdin.setRawMode(false);
    process.stdin.pause();
  };
}
