import { findChain, optionValue, type IptablesDump, type IptablesRule } from './iptables.js';

/** One service port as kube-proxy (iptables mode) programmed it. */
export interface ServicePortTrace {
  /** "ns/name:port" (or "ns/name" for an unnamed port), from kube-proxy's rule comments. */
  portName: string;
  clusterIp?: string;
  /** The KUBE-SVC-* chain KUBE-SERVICES jumps to. */
  serviceChain?: string;
  endpoints: { chain: string; dnatTo?: string }[];
}

export interface ServiceTrace {
  service: string;
  ports: ServicePortTrace[];
  /** True when every port leads KUBE-SERVICES → KUBE-SVC-* → KUBE-SEP-* → DNAT. */
  complete: boolean;
  /** What breaks the path, in words. */
  missing: string[];
}

/**
 * Follows a service ("ns/name") through kube-proxy's nat rules:
 * KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-* -> DNAT, and says what is missing.
 */
export function traceService(dump: IptablesDump, service: string): ServiceTrace {
  const missing: string[] = [];
  const services = findChain(dump, 'nat', 'KUBE-SERVICES');
  if (!services) {
    return { service, ports: [], complete: false, missing: ['nat table has no KUBE-SERVICES chain: kube-proxy has not programmed this node'] };
  }
  const ports: ServicePortTrace[] = [];
  for (const rule of services.rules.filter((r) => isAbout(r, service) && r.target?.startsWith('KUBE-SVC-'))) {
    const portName = (rule.comment ?? service).replace(/ cluster IP$/, '');
    if (ports.some((p) => p.portName === portName)) continue;
    const port: ServicePortTrace = { portName, clusterIp: destination(rule), serviceChain: rule.target, endpoints: [] };
    ports.push(port);
    const serviceChain = findChain(dump, 'nat', rule.target ?? '');
    if (!serviceChain) {
      missing.push(`${portName}: chain ${rule.target} is jumped to but not defined`);
      continue;
    }
    for (const jump of serviceChain.rules.filter((r) => r.target?.startsWith('KUBE-SEP-'))) {
      const endpointChain = findChain(dump, 'nat', jump.target ?? '');
      const dnat = endpointChain?.rules.find((r) => r.target === 'DNAT');
      port.endpoints.push({ chain: jump.target ?? '', dnatTo: dnat ? optionValue(dnat.args, '--to-destination') : undefined });
      if (!endpointChain) missing.push(`${portName}: chain ${jump.target} is jumped to but not defined`);
      else if (!dnat) missing.push(`${portName}: ${jump.target} has no DNAT rule`);
    }
    if (port.endpoints.length === 0) missing.push(`${portName}: ${rule.target} has no KUBE-SEP-* endpoints`);
  }
  const rejected = dump.chains.flatMap((c) => c.rules).filter((r) => isAbout(r, service) && /has no endpoints/.test(r.comment ?? ''));
  for (const rule of rejected) missing.push(`${rule.comment}: kube-proxy ${rule.target === 'REJECT' ? 'rejects' : 'drops'} its traffic (${rule.table}/${rule.chain})`);
  if (ports.length === 0 && rejected.length === 0) missing.push(`KUBE-SERVICES has no rule for ${service}`);
  return { service, ports, complete: missing.length === 0 && ports.length > 0, missing };
}

/** kube-proxy comments start with "ns/name" followed by ":port", " cluster IP", " has no endpoints" or nothing. */
function isAbout(rule: IptablesRule, service: string): boolean {
  const comment = rule.comment ?? '';
  return comment === service || comment.startsWith(`${service}:`) || comment.startsWith(`${service} `);
}

function destination(rule: IptablesRule): string | undefined {
  return optionValue(rule.args, '-d')?.replace(/\/32$/, '');
}
