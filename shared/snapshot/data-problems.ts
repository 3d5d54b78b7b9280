import net from 'node:net';
import yaml from 'js-yaml';
import { escapeControl } from '../cli/safe-text.js';
import { parseCidr } from '../net/cidr.js';
import type { ClusterSnapshot, Unreadable } from './types.js';

// What was read but cannot be trusted: states that are unknown or contradict themselves. Recorded where
// the snapshot is read (dump or live API) as unreadable data, so no verdict rests on them silently.

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function validCidr(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  if (parseCidr(text)) return true;
  const [address, prefix, ...rest] = text.split('/');
  return rest.length === 0 && net.isIPv6(address ?? '') && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= 128;
}

/** Problems with the data itself, one entry each (kind 'data'). Pure; linear in the snapshot. */
export function findDataProblems(snapshot: ClusterSnapshot): Unreadable[] {
  const problems: Unreadable[] = [];
  const add = (what: string, reason: string) => problems.push({ what: escapeControl(what), reason: escapeControl(reason), kind: 'data' });
  for (const node of snapshot.nodes as unknown[]) {
    if (!isRecord(node)) continue;
    const name = isRecord(node.metadata) && typeof node.metadata.name === 'string' ? node.metadata.name : '?';
    const what = `node ${name}`;
    // Node conditions (missing, unknown or contradicting Ready) are judged by the diagnosis itself
    // (shared/diagnose: no false all-clear); here only values that cannot be read at all.
    const spec = node.spec;
    if (isRecord(spec)) {
      if (spec.podCIDR !== undefined && spec.podCIDR !== '' && !validCidr(spec.podCIDR)) add(what, `podCIDR ${JSON.stringify(spec.podCIDR)} is not a CIDR`);
      if (spec.podCIDRs !== undefined && (!Array.isArray(spec.podCIDRs) || spec.podCIDRs.some((c) => !validCidr(c)))) {
        add(what, `podCIDRs ${JSON.stringify(spec.podCIDRs).slice(0, 120)} is not a list of CIDRs`);
      }
    }
  }
  for (const configMap of snapshot.configMaps) {
    if (configMap.metadata?.name !== 'kubeadm-config' || configMap.metadata?.namespace !== 'kube-system') continue;
    const text = configMap.data?.ClusterConfiguration;
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = typeof text === 'string' ? yaml.load(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) {
      add('configmap kube-system/kubeadm-config', 'ClusterConfiguration is not a YAML mapping: the cluster pod CIDR cannot be read from it');
      continue;
    }
    const networking = parsed.networking;
    const podSubnet = isRecord(networking) ? networking.podSubnet : undefined;
    if (podSubnet !== undefined && (typeof podSubnet !== 'string' || podSubnet.split(',').some((c) => !validCidr(c.trim())))) {
      add('configmap kube-system/kubeadm-config', `networking.podSubnet ${JSON.stringify(podSubnet)} is not a CIDR`);
    }
  }
  return problems;
}
