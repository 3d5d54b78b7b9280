import { ipInCidr } from '../../net/cidr.js';
import type { NodeFacts } from '../../snapshot/types.js';
import { loadCniConfigDir, parseBinaryListing, requiredCniBinaries, type CniConfigFile } from '../cni-config.js';
import type { ClusterView } from '../cluster-view.js';
import type { Finding } from '../types.js';

/** What is in /etc/cni/net.d and /opt/cni/bin on each node, checked the way the runtime loads it. */
export function diagnoseCniFiles(view: ClusterView): Finding[] {
  return Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => [...cniFileFindings(node, facts), ...flannelSubnetEnvFindings(node, facts)]);
}

/**
 * flanneld writes /run/flannel/subnet.env from its net-conf.json Network and the node's lease (the node's
 * podCIDR with the kube subnet manager). A lease outside the Network means the two were configured with
 * different ranges (kubeadm --pod-network-cidr vs net-conf.json): flannel's routes and masquerading then
 * cover the wrong range.
 */
function flannelSubnetEnvFindings(node: string, facts: NodeFacts): Finding[] {
  const env = facts.flannelSubnetEnv;
  if (!env) return [];
  const value = (key: string) => new RegExp(`^\\s*${key}=(\\S+)`, 'm').exec(env)?.[1];
  return [['FLANNEL_NETWORK', 'FLANNEL_SUBNET'], ['FLANNEL_IPV6_NETWORK', 'FLANNEL_IPV6_SUBNET']].flatMap(([networkKey = '', subnetKey = '']) => {
    const network = value(networkKey);
    const subnet = value(subnetKey);
    const address = subnet?.split('/')[0];
    if (!network || !address || ipInCidr(address, network)) return [];
    return [{
      code: 'CNI_CONFIG_INVALID' as const, confidence: 0.85,
      evidence: [{ object: `Node ${node}`, field: 'flannel-subnet.env', text: `${networkKey}=${network} ${subnetKey}=${subnet}` }],
      explanation: `flannel on ${node} leased ${subnet}, outside its configured Network ${network}: the Network in flannel's net-conf.json and the cluster's pod CIDR (kubeadm --pod-network-cidr, the nodes' podCIDRs) are different ranges, so flannel's routes and masquerading do not cover the pods.`,
      nextCommands: ['kubectl -n kube-flannel get cm kube-flannel-cfg -o jsonpath=\'{.data.net-conf\\.json}\'   # or -n kube-system', 'kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'make net-conf.json\'s Network the cluster pod CIDR, then restart the flannel pods'],
    }];
  });
}

function cniFileFindings(node: string, facts: NodeFacts): Finding[] {
  if (facts.cniNetD === undefined) return [];
  const { all, active } = loadCniConfigDir(facts.cniNetD);
  if (all.length === 0) {
    return [{
      code: 'CNI_NOT_INSTALLED', confidence: 0.85,
      evidence: [{ object: `Node ${node}`, field: 'cni-net.d', text: Object.keys(facts.cniNetD).join(' ') || '(empty)' }],
      explanation: `/etc/cni/net.d on ${node} holds no .conf, .conflist or .json file, so the runtime has no pod network to set up.`,
      nextCommands: ['kubectl get ds -A   # is a CNI provider deployed?', `ssh ${node} ls -l /etc/cni/net.d /opt/cni/bin`],
    }];
  }
  const findings: Finding[] = [];
  // The runtime stops at (containerd) or skips (cri-o, dockershim) a broken file; one sorted before the
  // first loadable file, or with no loadable file at all, is what leaves the node without a network.
  for (const config of all) {
    if (config.problems.length === 0) continue;
    const blocking = active === undefined || config.file < active.file;
    findings.push({
      code: 'CNI_CONFIG_INVALID', confidence: blocking ? 0.95 : 0.3,
      evidence: [{ object: `Node ${node}`, field: `cni-net.d/${config.file}`, text: config.problems.join('; ') }],
      explanation: `/etc/cni/net.d/${config.file} on ${node} cannot be loaded: ${config.problems[0]}.` +
        (blocking ? '' : ` ${active?.file} is used instead, but containerd refuses the whole directory if this file sorts first.`),
      nextCommands: [`ssh ${node} cat /etc/cni/net.d/${config.file}`, `fix or remove /etc/cni/net.d/${config.file}, then: ssh ${node} systemctl restart containerd kubelet`],
    });
  }
  if (active) findings.push(...binaryFindings(node, facts, active), ...subnetEnvFindings(node, facts, active));
  return findings;
}

function binaryFindings(node: string, facts: NodeFacts, active: CniConfigFile): Finding[] {
  if (facts.cniBin === undefined) return [];
  const present = new Set(parseBinaryListing(facts.cniBin));
  const missing = requiredCniBinaries(active).filter((name) => !present.has(name));
  if (missing.length === 0) return [];
  return [{
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.88,
    evidence: [
      { object: `Node ${node}`, field: `cni-net.d/${active.file}`, text: `plugin types: ${requiredCniBinaries(active).join(', ')}` },
      { object: `Node ${node}`, field: 'cni-bin.txt', text: [...present].join(' ') || '(empty)' },
    ],
    explanation: `${active.file} on ${node} needs ${missing.join(', ')}, which /opt/cni/bin does not contain, so sandboxes fail with 'failed to find plugin'.`,
    nextCommands: [`ssh ${node} ls -l /opt/cni/bin`, `copy ${missing.join(', ')} into /opt/cni/bin on ${node} (github.com/containernetworking/plugins/releases, github.com/flannel-io/cni-plugin/releases)`],
  }];
}

function subnetEnvFindings(node: string, facts: NodeFacts, active: CniConfigFile): Finding[] {
  if (facts.flannelSubnetEnv !== null || !active.plugins.some((p) => p.type === 'flannel')) return [];
  return [{
    code: 'FLANNEL_SUBNET_ENV_MISSING', confidence: 0.8,
    evidence: [
      { object: `Node ${node}`, field: `cni-net.d/${active.file}`, text: 'type: flannel' },
      { object: `Node ${node}`, field: 'flannel-subnet.env', text: '/run/flannel/subnet.env does not exist' },
    ],
    explanation: `The CNI config on ${node} uses flannel, but flanneld has not written /run/flannel/subnet.env there: flanneld is not running on ${node} or has not leased a subnet.`,
    nextCommands: [`kubectl get pods -A -o wide -l app=flannel --field-selector spec.nodeName=${node}`, 'kubectl logs -n kube-flannel -l app=flannel --tail=50'],
  }];
}
