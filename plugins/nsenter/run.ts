import type { Io } from '../../shared/cli/io.js';
import { connectKube } from '../../shared/kube/kube-client.js';
import { renderInterfaceMap } from '../../shared/net/interface-map.js';
import { openNodeShells, reachEarly } from '../../shared/nodes/open-shells.js';
import { noLiveProcessError, noPidMarker, withPidLookup } from '../../shared/pods/container-pid.js';
import { readPodNetwork } from '../../shared/pods/pod-interfaces.js';
import { readPodAndNode } from '../../shared/pods/read-objects.js';
import { nodeRuntime } from '../../shared/runtime/container-ref.js';
import { nsenterArgv } from '../../shared/runtime/nsenter-argv.js';
import { pickContainer } from '../../shared/runtime/pick-container.js';
import { lookedUpPid, quoteArgv, quoteArgvForDisplay } from '../../shared/ssh/quote.js';
import { escapeControl } from '../../shared/cli/safe-text.js';
import { writeOutput } from '../../shared/cli/output.js';
import { signalExitCode } from '../../shared/ssh/exit-status.js';
import type { NsenterArgs } from './command.js';

/** Pod → node and container → SSH → PID → nsenter; the remote exit code becomes ours. */
export async function runNsenter(args: NsenterArgs, io: Io): Promise<number> {
  const namespaces = args.ns.split(',').map((n) => n.trim()).filter(Boolean);
  const kube = await connectKube(args, io.env);
  // Opened first: the transport readies itself (loads ssh2) while the API server answers.
  const pool = await openNodeShells(args, io, kube);
  try {
    const { pod, node } = await readPodAndNode(kube, kube.namespace, args.pod, args.dryRun ? undefined : (name) => reachEarly(pool, name));
    const picked = pickContainer(pod, args.container);
    if (picked.note) io.err.write(`note: ${escapeControl(picked.note)}\n`);
    const runtime = nodeRuntime(node)?.runtime ?? picked.ref.runtime;
    // One round trip: the node finds the container's PID itself, then runs the command in its namespaces.
    const remote = withPidLookup(picked, runtime, `exec ${quoteArgv(nsenterArgv(lookedUpPid, namespaces, args.command.length > 0 ? args.command : ['true']))}`, args.verbose > 0);
    if (args.dryRun) {
      io.out.write([
        escapeControl(`# node ${node.metadata?.name}, ${pool.describe(node)}; container ${picked.container} ${picked.ref.runtime}://${picked.ref.id}`),
        '# one exec: find the container\'s PID (runtime CLI when installed, else the /proc/*/cgroup scan), then nsenter',
        args.ifaces ? '# --ifaces: then ip -j -d addr show (in the pod) and ip -j -d link show (on the host), in the same exec' : quoteArgvForDisplay(remote),
      ].join('\n') + '\n');
      return 0;
    }
    const shell = await pool.shell(node);
    if (args.ifaces) {
      const { pid, map } = await readPodNetwork(shell, picked, runtime, [], args.verbose > 0);
      const doc = { pod: picked.pod, node: node.metadata?.name, pid, ...map };
      await writeOutput(io, args.output, doc, (safe) => `${renderInterfaceMap(safe).trimEnd()}\n`);
      return 0;
    }
    const stdinIsTerminal = process.stdin.isTTY === true;
    // Over SSH a piped stdin is forwarded as ssh does; over pods/exec only with -i, as kubectl exec does
    // (an API server without the v5 protocol cannot pass its EOF, and would end the session with it).
    const forwardStdin = args.interactive || (!stdinIsTerminal && pool.via === 'ssh');
    const restoreTerminal = args.tty && stdinIsTerminal ? rawTerminal() : undefined;
    try {
      const result = await shell.exec(remote, {
        sudo: true,
        stdout: io.out,
        stderr: io.err,
        ...(forwardStdin && { stdin: process.stdin }),
        ...(args.tty && { pty: { rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80, term: io.env.TERM ?? 'xterm', resizeFrom: process.stdout } }),
      });
      if (result.code === 125 && result.stderrTail.includes(noPidMarker)) throw noLiveProcessError(picked, shell.node);
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
