import type { Step } from './types.js';

interface CauseInfo {
  /** Short title for text output. */
  title: string;
  /**
   * The step this cause leaves the container network in when no symptom says
   * otherwise; null for causes that are not container-network faults.
   */
  stage: Step | null;
  /** Causes this one brings about: when both are found, this one is the root and is shown first. */
  explains?: readonly string[];
}

/**
 * The stable cause codes. Order matters: when two findings are equally likely,
 * the one listed first (the more specific cause) is shown first.
 */
export const causeCatalog = {
  CNI_PLUGIN_BINARY_MISSING: { title: 'CNI plugin binary missing', stage: 'case-a' },
  CNI_CONFIG_INVALID: { title: 'CNI config invalid', stage: 'waiting-for-cni' },
  FLANNEL_SUBNET_ENV_MISSING: { title: 'flannel subnet.env missing', stage: 'case-a' },
  BRIDGE_ADDRESS_CONFLICT: { title: 'bridge address conflicts with pod CIDR', stage: 'case-a' },
  IPAM_EXHAUSTED: { title: 'pod IP range exhausted', stage: 'case-a' },
  POD_CIDR_NOT_ASSIGNED: { title: 'node has no pod CIDR', stage: 'waiting-for-cni', explains: ['FLANNEL_SUBNET_ENV_MISSING', 'CNI_DAEMON_NOT_READY'] },
  HOST_NETFILTER_SETTINGS: { title: 'host netfilter / forwarding settings', stage: 'case-b', explains: ['SERVICE_PROXY_BROKEN', 'POD_NETWORK_UNREACHABLE'] },
  MTU_MISMATCH: { title: 'MTU mismatch', stage: 'case-b', explains: ['POD_NETWORK_UNREACHABLE'] },
  DNS_FORWARDING_LOOP: { title: 'DNS forwarding loop', stage: 'case-b' },
  SERVICE_PROXY_BROKEN: { title: 'service proxy (kube-proxy / iptables) broken', stage: 'case-b' },
  CNI_CREDENTIALS_REJECTED: { title: 'CNI plugin credentials rejected', stage: 'case-a' },
  CNI_DAEMON_NOT_READY: { title: 'CNI daemon not ready', stage: 'waiting-for-cni' },
  CNI_NOT_INSTALLED: { title: 'no CNI installed', stage: 'waiting-for-cni' },
  POD_NETWORK_UNREACHABLE: { title: 'pod network unreachable', stage: 'case-b', explains: ['SERVICE_PROXY_BROKEN'] },
  CNI_PLUGIN_ERROR: { title: 'CNI plugin error', stage: 'case-a' },
  PROBE_TARGET_NOT_LISTENING: { title: 'probe target not listening', stage: null },
  NOT_A_NETWORK_FAULT: { title: 'not a network fault', stage: null },
  UNKNOWN: { title: 'unknown', stage: null },
} as const satisfies Record<string, CauseInfo>;

export type CauseCode = keyof typeof causeCatalog;

// Compile-time check that every `explains` entry names a real cause.
causeCatalog satisfies Record<CauseCode, { title: string; explains?: readonly CauseCode[] }>;

export const causeCodes = Object.keys(causeCatalog) as CauseCode[];

export function causeExplains(root: CauseCode, consequence: CauseCode): boolean {
  const info: CauseInfo = causeCatalog[root];
  return info.explains?.includes(consequence) ?? false;
}

/** Lower is more specific; used to break confidence ties. */
export function causeRank(code: CauseCode): number {
  return causeCodes.indexOf(code);
}
