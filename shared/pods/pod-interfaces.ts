import { ipAddrShowArgv, ipLinkShowArgv } from '../net/ip-json.js';
import { mapPodInterfaces, type InterfaceMap } from '../net/interface-map.js';
import { nsenterArgv } from '../runtime/nsenter-argv.js';
import { BatchPreludeError, runBatch, type BatchResult } from '../nodes/batch.js';
import type { RuntimeName } from '../runtime/container-ref.js';
import type { PickedContainer } from '../runtime/pick-container.js';
import { lastLine, RemoteCommandError, type NodeShell } from '../ssh/node-shell.js';
import { lookedUpPid } from '../ssh/quote.js';
import { noLiveProcessError, withPidLookup } from './container-pid.js';

/** `ip -j -d addr` inside the pod's network namespace and `ip -j -d link` on the host, matched by ifindex. */
export async function readPodInterfaceMap(shell: NodeShell, pid: number): Promise<InterfaceMap> {
  const inPod = await shell.run(nsenterArgv(pid, ['net'], ipAddrShowArgv), { sudo: true });
  const onHost = await shell.run(ipLinkShowArgv, { sudo: true });
  return mapPodInterfaces(inPod, onHost);
}

/** A pod's interface map, its PID, and the results of `extra` commands: all in one round trip to its node. */
export interface PodNetwork {
  pid: number;
  map: InterfaceMap;
  extra: BatchResult[];
}

/**
 * Finds the container's PID on the node and reads the pod's interfaces (inside
 * its network namespace and on the host) plus any `extra` host commands, in a
 * single exec: the lookup runs node-side (withPidLookup), the rest as a batch.
 */
export async function readPodNetwork(shell: NodeShell, picked: PickedContainer, runtime: RuntimeName, extra: readonly (readonly string[])[] = [], verbose = false): Promise<PodNetwork> {
  const commands = [['echo', lookedUpPid], nsenterArgv(lookedUpPid, ['net'], ipAddrShowArgv), ipLinkShowArgv, ...extra];
  let results: BatchResult[];
  try {
    results = await runBatch(shell, commands, { sudo: true, timeoutMs: 20_000, wrap: (script) => withPidLookup(picked, runtime, script, verbose) });
  } catch (error) {
    if (error instanceof BatchPreludeError && error.code === 125) throw noLiveProcessError(picked, shell.node);
    throw error;
  }
  const [pidLine, inPod, onHost] = results as [BatchResult, BatchResult, BatchResult];
  for (const r of [inPod, onHost]) {
    if (r.code !== 0) throw new RemoteCommandError(shell.node, `node ${shell.node}`, r.argv, r.code, undefined, lastLine(r.stderr));
  }
  return { pid: Number(pidLine.stdout.trim()), map: mapPodInterfaces(inPod.stdout, onHost.stdout), extra: results.slice(3) };
}
