import type { Argv, Plan, Step } from '../../shared/plan/plan.js';
import type { MirrorDirection } from './command.js';

/** Everything the plan needs, discovered before anything is touched. */
export interface TapSpec {
  pod: string; // namespace/name
  vni: number;
  port: number;
  ifname: string;
  direction: MirrorDirection;
  /** Our own tc filter preference, unused on the veth. */
  pref: number;
  source: { node: string; address: string; underlay: string; hostIface: string; clsactExists: boolean };
  dest: { node: string; address: string; underlay: string };
}

/**
 * tc hooks of the host-side veth for each direction, seen from the pod: what
 * the pod sends enters the host at the veth's ingress; what it receives
 * leaves the host through the veth's egress.
 */
export function vethHooks(direction: MirrorDirection): ('ingress' | 'egress')[] {
  if (direction === 'egress') return ['ingress'];
  if (direction === 'ingress') return ['egress'];
  return ['ingress', 'egress'];
}

export const tapLabelPrefix = 'kubectl-tap:v1';

/** The vxlan device's alias: lets --list find the tap and --delete undo it without local state. */
export function tapLabel(spec: TapSpec, role: 'source' | 'dest'): string {
  const fields = role === 'source'
    ? [`pod=${spec.pod}`, 'role=source', `peer=${spec.dest.node}`, `veth=${spec.source.hostIface}`, `pref=${spec.pref}`,
      `clsact=${spec.source.clsactExists ? 'theirs' : 'ours'}`, `hooks=${vethHooks(spec.direction).join(',')}`]
    : [`pod=${spec.pod}`, 'role=dest', `peer=${spec.source.node}`];
  return [tapLabelPrefix, ...fields].join(' ');
}

function vxlanSteps(spec: TapSpec, role: 'source' | 'dest'): Step[] {
  const [here, there] = role === 'source' ? [spec.source, spec.dest] : [spec.dest, spec.source];
  return [
    {
      title: `vxlan ${spec.ifname} (VNI ${spec.vni}, UDP ${spec.port}) to ${there.node} ${there.address} via ${here.underlay}`,
      apply: ['ip', 'link', 'add', spec.ifname, 'type', 'vxlan', 'id', String(spec.vni), 'remote', there.address,
        'dstport', String(spec.port), 'dev', here.underlay],
      revert: ['ip', 'link', 'del', spec.ifname],
    },
    { title: 'label it for kubectl tap --list', apply: ['ip', 'link', 'set', 'dev', spec.ifname, 'alias', tapLabel(spec, role)] },
    { title: `bring ${spec.ifname} up`, apply: ['ip', 'link', 'set', 'dev', spec.ifname, 'up'] },
  ];
}

export function mirrorFilterArgv(veth: string, hook: 'ingress' | 'egress', pref: number, ifname: string): Argv {
  return ['tc', 'filter', 'add', 'dev', veth, hook, 'pref', String(pref), 'protocol', 'all',
    'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'mirror', 'dev', ifname];
}

export function filterRevertArgv(veth: string, hook: 'ingress' | 'egress', pref: number): Argv {
  return ['tc', 'filter', 'del', 'dev', veth, hook, 'pref', String(pref)];
}

/** The pod's node: vxlan device, clsact (only if absent), our mirred filters. */
export function planSource(spec: TapSpec): Plan {
  const veth = spec.source.hostIface;
  const steps: Step[] = vxlanSteps(spec, 'source');
  if (!spec.source.clsactExists) {
    steps.push({ title: `clsact qdisc on ${veth}`, apply: ['tc', 'qdisc', 'add', 'dev', veth, 'clsact'], revert: ['tc', 'qdisc', 'del', 'dev', veth, 'clsact'] });
  }
  for (const hook of vethHooks(spec.direction)) {
    steps.push({
      title: `mirror ${veth} ${hook} into ${spec.ifname}`,
      apply: mirrorFilterArgv(veth, hook, spec.pref, spec.ifname),
      revert: filterRevertArgv(veth, hook, spec.pref),
    });
  }
  return { node: spec.source.node, steps };
}

/** The receiving node: the matching vxlan device, up, for tcpdump -i IFNAME. */
export function planDest(spec: TapSpec): Plan {
  return { node: spec.dest.node, steps: vxlanSteps(spec, 'dest') };
}

export interface ParsedTapLabel {
  pod: string;
  role: 'source' | 'dest';
  peer: string;
  veth?: string;
  pref?: number;
  clsactOurs?: boolean;
  hooks?: ('ingress' | 'egress')[];
}

/** Reads a label written by tapLabel; undefined for anything that is not ours. */
export function parseTapLabel(alias: string | undefined): ParsedTapLabel | undefined {
  if (!alias?.startsWith(`${tapLabelPrefix} `)) return undefined;
  const fields = new Map(alias.slice(tapLabelPrefix.length + 1).split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const role = fields.get('role');
  const pod = fields.get('pod');
  const peer = fields.get('peer');
  if ((role !== 'source' && role !== 'dest') || !pod || !peer) return undefined;
  if (role === 'dest') return { pod, role, peer };
  const hooks = (fields.get('hooks') ?? '').split(',').filter((h): h is 'ingress' | 'egress' => h === 'ingress' || h === 'egress');
  return { pod, role, peer, veth: fields.get('veth'), pref: Number(fields.get('pref')), clsactOurs: fields.get('clsact') === 'ours', hooks };
}

/** Undo of a detached tap from its label alone (for --delete). */
export function teardownFromLabel(ifname: string, label: ParsedTapLabel): Argv[] {
  const commands: Argv[] = [];
  if (label.role === 'source' && label.veth && label.pref !== undefined) {
    for (const hook of [...(label.hooks ?? [])].reverse()) commands.push(filterRevertArgv(label.veth, hook, label.pref));
    if (label.clsactOurs) commands.push(['tc', 'qdisc', 'del', 'dev', label.veth, 'clsact']);
  }
  commands.push(['ip', 'link', 'del', ifname]);
  return commands;
}
