import type { CauseCode } from './cause-catalog.js';
import { cniConfigFile } from './failure-vocabulary.js';

/**
 * What an unexplained failure line is ABOUT, read from the names of the things each cause concerns rather
 * than from any program's wording: the kernel's sysctl keys and module names, the chains kube-proxy writes
 * (pkg/proxy/iptables/proxier.go: KUBE-SERVICES, KUBE-SVC-…, KUBE-SEP-…), the files and directories of the
 * CNI spec (/etc/cni/net.d, /opt/cni/bin, cniVersion), flannel's /run/flannel/subnet.env, the node's podCIDR
 * field, the MTU and the errno texts of oversized packets (EMSGSIZE "message too long", ICMP "frag needed").
 * An operator who sees a failing agent line naming one of these looks there first; so does netcheck, as a
 * lead that ranks above "the agent reports a failure" and below every rule that knows the wording.
 * The most specific topic wins: a line about subnet.env is not read as a config or podCIDR problem.
 */
const topics: readonly { code: CauseCode; pattern: RegExp; why: string }[] = [
  { code: 'FLANNEL_SUBNET_ENV_MISSING', pattern: /\bsubnet\.env\b/, why: 'it names flannel\'s subnet.env, which the flannel CNI plugin reads for the node\'s subnet' },
  { code: 'BRIDGE_ADDRESS_CONFLICT', pattern: /already has an IP address different from/i, why: 'it says the bridge already carries another address' },
  { code: 'DNS_FORWARDING_LOOP', pattern: /\bplugin\/loop\b|\bforwarding loop\b|\bLoop \([^)]*\) detected/i, why: 'it names a DNS forwarding loop' },
  // Go's "executable file not found in $PATH" alone is any program's (a plugin's iptables, sh, conntrack): not a subject.
  { code: 'CNI_PLUGIN_BINARY_MISSING', pattern: /\/opt\/cni\/bin\b|failed to find plugin/, why: 'it names the CNI plugin binaries (/opt/cni/bin)' },
  { code: 'CNI_CONFIG_INVALID', pattern: new RegExp(`${cniConfigFile.source}|\\bcniVersion\\b`), why: 'it names a CNI config file or its cniVersion' },
  {
    code: 'IPAM_EXHAUSTED',
    // "IP" is required: an interface with "no addresses available" is not a pool, nor is a "connection pool" or a "lease table".
    pattern: /\bno (?:more )?(?:free |available )?IP addresses (?:available|left)\b|(?:\b(?:IP|ip|address) pools?|\branges?|\bblocks?)\b[^;:,]{0,40}? (?:is |are )?(?:full|exhausted)\b|\bIPs? exhausted\b|\bno (?:free|available) IPs?\b/i,
    why: 'it says the pod address pool has no free address',
  },
  {
    code: 'POD_CIDR_NOT_ASSIGNED',
    pattern: /\bpod ?CIDRs?\b|\bspec\.podCIDR|\bnode ?CIDRs?\b|\ballocate-node-cidrs\b|\bcluster-cidr\b/i,
    why: 'it names the node\'s pod CIDR, which the controller-manager assigns when --allocate-node-cidrs is on',
  },
  {
    code: 'HOST_NETFILTER_SETTINGS',
    pattern: /\bbr_netfilter\b|\bbridge-nf-call-ip6?tables\b|\bnet[./]bridge[./]|\bip_forward\b|net[./]ipv[46][./]conf[./][\w.-]+[./](?:forwarding|rp_filter)\b|\brp_filter\b|\/proc\/sys\/net\/|\bnf_conntrack_max\b|\/sys\/module\/nf_conntrack\b/i,
    why: 'it names a kernel forwarding or bridge-netfilter setting (sysctl)',
  },
  // docker0 is not the pod network under a CNI: dockerd failing to set its MTU is no pod-network subject.
  { code: 'MTU_MISMATCH', pattern: /^(?!.*\bdocker0\b).*?(?:\bMTU\b|\bmessage too long\b|\bfrag(?:mentation)? needed\b|\bpacket too big\b|\bEMSGSIZE\b)/i, why: 'it names the MTU or an oversized packet' },
  {
    code: 'SERVICE_PROXY_BROKEN',
    // An agent's failure to write its OWN rules (iptables, ipset) is the agent's failure: only kube-proxy's part is named.
    // Not the name "kube-proxy" itself: lines name its pods and config map whatever happens to them (and cilium's
    // kube-proxy replacement is cilium's own configuration). Case-sensitive: kube-proxy's chains are upper case.
    pattern: /\bKUBE-(?:SERVICES|SVC-|SEP-|NODEPORTS|MARK-|POSTROUTING|FORWARD|PROXY-CANARY|PROXY-FIREWALL|EXTERNAL-SERVICES)|\bip6?tables-(?:legacy|nft)\b|\b(?:IPVS|ipvs|ip_vs)\b/,
    why: 'it names kube-proxy\'s chains (KUBE-SERVICES ...), its IPVS mode or the choice between the iptables backends (legacy, nft)',
  },
];

/** The cause an unexplained failure line is about, by the most specific topic it names; undefined when it names none. */
export function causeTopicOf(text: string): { code: CauseCode; why: string } | undefined {
  const topic = topics.find((t) => t.pattern.test(text));
  return topic && { code: topic.code, why: topic.why };
}
