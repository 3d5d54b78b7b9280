import { hostPortPattern, ipInRanges } from '../../net/cidr.js';
import { connectOp } from '../failure-vocabulary.js';
import { hostFirewallCommands, iptablesBackendsCommand } from '../next-commands.js';
import { brokenContainerState, containerProblems, isIpv6RuleFailureOnIpv4Cluster, isPodReady, type ClusterView } from '../cluster-view.js';
import { isLineOfReadyPod } from '../observations.js';
import type { TextRule } from '../text-rules.js';
import type { Finding } from '../types.js';

const kubeProxyNextCommands = ['kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50'];

/**
 * kube-proxy translates service IPs on every node; where it does not run, services do not work. A CNI agent on the
 * same node that is failing too is most likely its consequence: agents reach the API server through the kubernetes
 * service IP (in-cluster config), which only kube-proxy's rules on that node translate.
 */
export function diagnoseKubeProxyPods(view: ClusterView): Finding[] {
  return view.snapshot.pods
    .filter((p) => p.metadata?.namespace === 'kube-system' && /^kube-proxy-/.test(p.metadata.name ?? ''))
    .filter((p) => p.status?.phase !== undefined && !isPodReady(p))
    .map((pod): Finding => {
      const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const problem = containerProblems(pod)[0];
      const node = pod.spec?.nodeName;
      const agent = node ? view.cniDaemonPodOn(node) : undefined;
      // Both really failing: a kube-proxy still being created next to an agent still initializing is a node coming up.
      const agentFailing = problem !== undefined && brokenContainerState.test(problem.reason) && agent !== undefined && !isPodReady(agent) &&
        containerProblems(agent).some((p) => brokenContainerState.test(p.reason));
      return {
        code: 'SERVICE_PROXY_BROKEN', confidence: agentFailing ? 0.76 : problem ? 0.7 : 0.55,
        evidence: [problem
          ? { object: `Pod ${name}`, field: problem.field, text: problem.reason }
          : { object: `Pod ${name}`, field: 'status.phase', text: pod.status?.phase ?? '' }],
        explanation: `kube-proxy ${name} on ${pod.spec?.nodeName ?? 'its node'} is not running, so service IPs (kubernetes, kube-dns) are not translated there.${agentFailing
          ? ` The CNI agent ${agent.metadata?.name} on the same node fails too: it reaches the API server through the kubernetes service IP, so start with kube-proxy.`
          : ''}`,
        nextCommands: [`kubectl -n kube-system logs ${pod.metadata?.name} --previous --tail=50`, ...kubeProxyNextCommands],
      };
    });
}

/**
 * `dial tcp 10.96.0.1:443: i/o timeout`, `read udp ...->10.96.0.10:53: i/o timeout`: nothing answers,
 * the service IP is not translated.
 * ("connection refused" is left out: something answered, so the path was translated.)
 */
const serviceDialTimeout = new RegExp(`(?:dial tcp |read udp \\[?[\\da-fA-F.:]+\\]?:\\d+->)${hostPortPattern}: (?<error>i/o timeout)`);
/**
 * `dial tcp 10.96.0.1:443: connect: no route to host` (EHOSTUNREACH): something sent back "host unreachable /
 * prohibited", which is what a host firewall's REJECT (firewalld's default) looks like; kube-proxy's own REJECT
 * for a service without endpoints reads "connection refused" instead.
 */
const serviceDialRejected = new RegExp(`dial tcp ${hostPortPattern}: ${connectOp}: no route to host`);

export const serviceProxyRules: readonly TextRule[] = [
  {
    // Go's net package wording ("dial tcp %s: i/o timeout"), whoever wraps it.
    id: 'service-ip-timeout',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.8,
    pattern: serviceDialTimeout,
    when: (match, _o, view) => ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()),
    explanation: 'Connections to the service IP {ip}:{port} time out on {node} ({error}): service IPs only work once kube-proxy (or its replacement) has programmed the node, and only if the node routes them out of the right interface.',
    nextCommands: [...kubeProxyNextCommands, 'ssh {node} "iptables-save -t nat | grep -E \'KUBE-SERVICES|default/kubernetes\'"', 'ssh {node} ip route get {ip}'],
  },
  {
    // Go's net package wording (EHOSTUNREACH), whoever wraps it.
    id: 'service-ip-rejected',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.65,
    pattern: serviceDialRejected,
    // Also a pod's client-go listing the API through its service IP when the service CIDR is not known (k3s, rke: 10.43.0.0/16).
    when: (match, observation, view) => ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()) ||
      (observation.source === 'podLog' && match.groups?.['port'] === '443' && /Failed to (?:list|watch) \*/.test(observation.evidence.text)),
    explanation: 'Connections from {node} to the service IP {ip}:{port} are answered with "no route to host": a host firewall (firewalld, an iptables REJECT rule) rejects traffic to or from the pod and service networks there.',
    nextCommands: [...hostFirewallCommands, 'ssh {node} ip route get {ip}'],
  },
  {
    // iptables' own messages and older kube-proxy lines seen in its logs; "Failed to execute iptables-restore" is in catalog/kubernetes.ts.
    id: 'kube-proxy-cannot-program-iptables',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.75,
    // iptables' nft backend (iptables/nft.c: "Could not fetch rule set generation id", "RULE_APPEND failed"; a kernel without
    // nf_tables, or rules of the other backend) and iptables-restore.c's "%s: unable to initialize table '%s'".
    pattern: /iptables-restore: line \d+ failed|can't initialize iptables table|Failed to ensure that (?:filter|nat) chain \S+ exists|Failed to sync iptables rules|Could not fetch rule set generation id|RULE_(?:APPEND|INSERT|REPLACE) failed \([^)]*\): rule in chain|iptables-restore(?: v[\d.]+ \([^)]*\))?: unable to initialize table/i,
    // ip6tables failing on a cluster whose pod and service ranges are all IPv4 (a host without ip6table_nat) leaves
    // every pod and service working: the kubelet and kube-proxy retry it each sync while nothing depends on it.
    when: (_match, observation, view) => !isIpv6RuleFailureOnIpv4Cluster(observation.evidence.text, view),
    explanation: 'kube-proxy on {node} cannot write its iptables rules, so service IPs are not translated there (often iptables-legacy vs iptables-nft mixed on one host, or a missing kernel module).',
    nextCommands: [...kubeProxyNextCommands, iptablesBackendsCommand],
  },
  {
    // iptables' own message.
    id: 'iptables-chain-vanished',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.6,
    // libxtables' "Couldn't load target `%s':%s" is the same situation seen from iptables-restore; iptables' own listing
    // (iptables/iptables.c print_match_save / print_target: "Can't find library for match `%s'") meets a host rule whose
    // extension the listing binary (a CNI agent's image, kube-proxy's) does not have.
    pattern: /iptables(?: v[\d.]+)?(?: \([^)]*\))?: No chain\/target\/match by that name|Couldn't load (?:target|match) `[\w-]+':\s*No such file or directory|Can't find library for (?:match|target) `[\w-]+'/,
    explanation: 'An iptables rule refers to a chain or extension that is not there for the iptables reading it: two iptables backends (legacy and nft) are in use on {node}, a host rule uses a match the agent\'s iptables lacks, or a firewall reload removed the chains kube-proxy and the CNI rely on.',
    nextCommands: [iptablesBackendsCommand, 'ssh {node} systemctl is-active firewalld'],
  },
  {
    // libxtables (iptables libxtables/xtables.c: "Warning: Extension %s revision 0 not supported, missing kernel
    // module?"): the legacy backend asks the kernel's x_tables for the extension and the kernel has no such match or
    // target, typically iptables-legacy on a kernel that only has nf_tables (or its modules cannot be loaded).
    id: 'iptables-extension-unsupported',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.6,
    sources: ['podLog', 'kubeletLog', 'runtimeLog'],
    pattern: /Extension (?<extension>[\w-]+) revision 0 not supported, missing kernel module\?/,
    // A warning: a pod that is Ready got its rules written anyway.
    when: (_match, observation, view) => !isLineOfReadyPod(observation, view),
    explanation: 'iptables on {node} cannot use its {extension} extension: the kernel lacks the match or target it needs (often iptables-legacy on a kernel that only has nf_tables built in, or modules that cannot be loaded), so rules that use it (kube-proxy\'s, the CNI\'s, a service load balancer\'s) are not written.',
    nextCommands: [iptablesBackendsCommand, 'ssh {node} "uname -r; lsmod | grep -E \'^(x_tables|nf_tables|ip_tables)\'"'],
  },
  {
    // iptables-nft's warning (iptables/nft.c) when the legacy backend also holds rules: two rule sets, and whichever one
    // kube-proxy or the CNI does not use is invisible to it.
    id: 'iptables-both-backends',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.6,
    pattern: /Warning: iptables-legacy tables present, use iptables-legacy(?:-save)? to see them/,
    explanation: 'Both iptables backends (legacy and nft) hold rules on {node}: kube-proxy and the CNI may write to different ones, so service translation or pod traffic filtering does not apply as intended.',
    nextCommands: [iptablesBackendsCommand, 'use one backend everywhere (update-alternatives --set iptables /usr/sbin/iptables-legacy, or the nft one), then reboot the node'],
  },
  {
    // How a process says it is dying (klog's F-lines, logrus `level=fatal`, Go's `panic: `), in kube-proxy's own log:
    // it exits, and service IPs on that node are not translated until it runs.
    id: 'kube-proxy-log-fatal',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.6,
    sources: ['podLog'],
    pattern: /\blevel=fatal\b|^F\d{4} \d|^panic: /,
    when: (_match, observation) => /^kube-proxy-/.test(observation.pod?.name ?? ''),
    explanation: 'kube-proxy {pod} on {node} logs a fatal error and exits, so service IPs (kubernetes, kube-dns) are not translated there.',
    nextCommands: ['kubectl -n kube-system logs {podName} --previous --tail=30', ...kubeProxyNextCommands],
  },
];
