import { ipAddrShowArgv, ipLinkShowArgv } from '../net/ip-json.js';
import { mapPodInterfaces, type InterfaceMap } from '../net/interface-map.js';
import { nsenterArgv } from '../runtime/nsenter-argv.js';
import type { NodeShell } from '../ssh/node-shell.js';

/** `ip -j -d addr` inside the pod's network namespace and `ip -j -d link` on the host, matched by ifindex. */
export async function readPodInterfaceMap(shell: NodeShell, pid: number): Promise<InterfaceMap> {
  const inPod = await shell.run(nsenterArgv(pid, ['net'], ipAddrShowArgv), { sudo: true });
  const onHost = await shell.run(ipLinkShowArgv, { sudo: true });
  return mapPodInterfaces(inPod, onHost);
}
