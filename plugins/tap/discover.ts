import type { V1Node } from '@kubernetes/client-node';
import { ExitCode, PluginError, UsageError } from '../../shared/cli/errors.js';
import type { KubeSession } from '../../shared/kube/kube-client.js';
import { ipAddrShowArgv, parseIpJson, type IpLink } from '../../shared/net/ip-json.js';
import { runBatch } from '../../shared/nodes/batch.js';
import { readPodNetwork } from '../../shared/pods/pod-interfaces.js';
import { readNode, readPodAndNode } from '../../shared/pods/read-objects.js';
import { nodeRuntime } from '../../shared/runtime/container-ref.js';
import { pickContainer } from '../../shared/runtime/pick-container.js';
import type { NodeShell } from '../../shared/ssh/node-shell.js';
import { reachEarly, type NodeShells } from '../../shared/nodes/open-shells.js';
import type { TapArgs } from './command.js';
import type { TapSpec } from './plan.js';
import { preflight, underlayFor, type PreflightResult } from './preflight.js';
import { freePref, hasClsactOn, usedPrefs } from './tc-json.js';

export interface Discovered {
  spec: TapSpec;
  checks: PreflightResult;
  sourceNode: V1Node;
  destNode?: V1Node;
  note?: string;
}

function internalIp(node: V1Node): string {
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  if (!ip) throw new PluginError(`node ${node.metadata?.name} has no InternalIP`, 1, 'use --dest-ip to name the receiving address');
  return ip;
}

async function nodeLinks(shell: NodeShell): Promise<IpLink[]> {
  return parseIpJson(await shell.run(ipAddrShowArgv, { sudo: true }), `node ${shell.node}`);
}

function underlayOrFail(node: string, links: readonly IpLink[], address: string): string {
  const device = underlayFor(links, address);
  if (!device) throw new PluginError(`no interface on node ${node} holds its address ${address}`, 1, `check with: ssh ${node} ip -br addr`);
  return device;
}

/** Everything the plan needs, read from the API and both nodes; nothing is changed. */
export async function discoverTap(args: TapArgs, kube: KubeSession, pool: NodeShells): Promise<Discovered> {
  // Both nodes at once, one exec each: PID, interfaces, links and qdiscs on the source; links on the receiver.
  // The receiver is named on the command line: its reads start at once, beside the pod's.
  const destNodeRead = args.dest ? readNode(kube, args.dest) : undefined;
  if (args.dest) reachEarly(pool, args.dest);
  const destLinksRead = destNodeRead?.then(async (node) => nodeLinks(await pool.shell(node)));
  destLinksRead?.catch(() => undefined);
  const { pod, node: sourceNode } = await readPodAndNode(kube, kube.namespace, args.pod!, (name) => reachEarly(pool, name));
  const podName = `${kube.namespace}/${args.pod}`;
  const picked = pickContainer(pod, undefined);
  if (picked.hostNetwork) throw new UsageError(`pod ${podName} uses the host network: it has no interface of its own to mirror`);
  const destNode: V1Node | undefined = await destNodeRead;
  if (destNode && destNode.metadata?.name === sourceNode.metadata?.name) throw new UsageError(`--dest ${args.dest} is the pod's own node: pick another node to receive the copy`);
  const sourceShell = await pool.shell(sourceNode);
  const { map, extra: [hostAddrs, allQdiscs] } = await readPodNetwork(sourceShell, picked, nodeRuntime(sourceNode)?.runtime ?? picked.ref.runtime,
    [ipAddrShowArgv, ['tc', '-j', 'qdisc', 'show']]);
  const mapping = map.interfaces.find((i) => i.pod.name === 'eth0' && i.host) ?? map.interfaces.find((i) => i.host?.relation === 'veth-peer');
  if (!mapping?.host || mapping.host.relation !== 'veth-peer') {
    throw new PluginError(`pod ${podName} has no host-side veth on node ${sourceShell.node}${mapping?.note ? ` (${mapping.note})` : ''}`, 1,
      'see the pod\'s interfaces with: kubectl nsenter --ifaces ' + args.pod);
  }
  const sourceAddress = internalIp(sourceNode);
  if (!hostAddrs || hostAddrs.code !== 0) throw new PluginError(`could not list the interfaces of node ${sourceShell.node}: ${hostAddrs?.stderr.trim()}`, ExitCode.couldNotCheck);
  const sourceLinks = parseIpJson(hostAddrs.stdout, `node ${sourceShell.node}`);
  const veth = mapping.host.name;
  const qdiscs = allQdiscs?.code === 0 ? allQdiscs.stdout : '[]';
  const clsactExists = hasClsactOn(qdiscs, veth);
  // Filters hang only under a clsact qdisc: without one the veth has none, and no second round trip is needed.
  const [ingress = '[]', egress = '[]'] = clsactExists
    ? (await runBatch(sourceShell, [['tc', '-j', 'filter', 'show', 'dev', veth, 'ingress'], ['tc', '-j', 'filter', 'show', 'dev', veth, 'egress']], { sudo: true, timeoutMs: 20_000 }))
      .map((r) => (r.code === 0 ? r.stdout : '[]'))
    : ['[]', '[]'];

  let dest: TapSpec['dest'];
  let destLinks: IpLink[] | undefined;
  if (args.dest && destNode) {
    destLinks = await destLinksRead!;
    const address = internalIp(destNode);
    dest = { node: args.dest, address, underlay: underlayOrFail(args.dest, destLinks, address) };
  } else {
    dest = { node: args.destIp!, address: args.destIp!, underlay: '' };
  }

  const spec: TapSpec = {
    pod: podName,
    vni: args.vxlanId,
    port: args.vxlanPort,
    ifname: args.ifname ?? `ntap${args.vxlanId}`,
    direction: args.mirrortype,
    pref: freePref([...usedPrefs(ingress), ...usedPrefs(egress)]),
    source: { node: sourceShell.node, address: sourceAddress, underlay: underlayOrFail(sourceShell.node, sourceLinks, sourceAddress), hostIface: veth, clsactExists },
    dest,
  };
  const checks = preflight({
    ifname: spec.ifname, vni: spec.vni, port: spec.port,
    hostIface: { name: veth, mtu: mapping.host.mtu },
    source: { node: spec.source.node, links: sourceLinks, underlay: spec.source.underlay },
    ...(destLinks && { dest: { node: dest.node, links: destLinks, underlay: dest.underlay } }),
  });
  return { spec, checks, sourceNode, destNode, note: picked.note };
}
