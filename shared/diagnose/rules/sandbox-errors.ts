import { connectOp } from '../failure-vocabulary.js';
import { cniConfigCommands } from '../next-commands.js';
import type { TextRule } from '../text-rules.js';

/**
 * Sandbox-network texts whose wording is not in the source catalogue (shared/diagnose/catalog/):
 * generic Go / client-go errors inside a sandbox failure, and wordings of releases or providers
 * whose source was not read (each rule says where its wording came from). Wordings read from a
 * plugin's or runtime's source belong in the catalogue instead.
 */

/**
 * The runtimes' "setting up the pod network failed" wrappers (catalogued one by one in
 * catalog/runtimes.ts and catalog/kubernetes.ts); network-status reads it to place a failure in case A.
 */
export const sandboxNetworkFailure =
  /failed to (?:set ?up|setup) (?:network for sandbox|sandbox container .{0,120}network)|NetworkPlugin cni failed to set up|failed to create pod network sandbox|plugin type=\\?"[^"\\]+\\?"(?: name=\\?"[^"\\]+\\?")? failed \(add\)|Failed to setup network for pod/i;

export const sandboxErrorRules: readonly TextRule[] = [
  {
    // Go's encoding/json errors (src/encoding/json/scanner.go "invalid character %s %s", "unexpected end of JSON input";
    // decode.go "json: cannot unmarshal %s into Go value of type %s" / "... Go struct field %s.%s of type %s") on a line about
    // CNI: a plugin or the runtime could not read the network config it was handed, i.e. the file in /etc/cni/net.d.
    // libcni's "netplugin failed but error parsing its diagnostic message" is the plugin's OUTPUT that is not JSON: not this.
    id: 'cni-config-json-error',
    code: 'CNI_CONFIG_INVALID',
    confidence: 0.7,
    pattern: /(?:\bcni\b|netconf|net\.d|conflist|plugin type=|NetworkPlugin)[^\n]*?(?<error>invalid character '[^']{1,4}' [a-z -]{3,60}|unexpected end of JSON input|json: cannot unmarshal \w+ into Go (?:value of type|struct field) [\w.\[\]]+)/i,
    // "... after top-level value" is a second JSON value after the first: a plugin printing log lines before its result on
    // stdout (its output, not the config), as chained plugins have done; a prevResult is the previous plugin's output too.
    when: (_match, observation) => !/invalid character '[^']{1,4}' after top-level value/.test(observation.evidence.text) &&
      !/error parsing its diagnostic message|failed to parse (?:the )?(?:plugin )?(?:result|output)|prevResult/i.test(observation.evidence.text),
    explanation: 'A CNI network config on {node} is not the JSON its plugin expects ({error}): a syntax error, a missing part, or a field of the wrong type in a file in /etc/cni/net.d.',
    nextCommands: cniConfigCommands,
  },
  {
    // Wording from issue threads (older calico IPAM, "pools are exhausted" of several IPAMs); current calico is in catalog/calico.ts.
    id: 'ipam-range-exhausted-legacy',
    code: 'IPAM_EXHAUSTED',
    confidence: 0.9,
    pattern: /pools are (?:likely )?exhausted|unable to auto-?assign an address/i,
    explanation: 'The IPAM plugin on {node} has no free pod address left.',
    nextCommands: ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l', 'kubectl get node {node} -o jsonpath=\'{.spec.podCIDR}\''],
  },
  {
    // Wording of aws-vpc-cni (source not read), seen in issue threads.
    id: 'aws-vpc-cni-no-address',
    code: 'IPAM_EXHAUSTED',
    confidence: 0.88,
    pattern: /failed to assign an IP address to container/,
    explanation: 'aws-vpc-cni has no free address for {node}: the ENI address limit of the instance type is reached.',
    nextCommands: ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l', 'kubectl -n kube-system logs -l k8s-app=aws-node --tail=50'],
  },
  {
    // kube-controller-manager's node IPAM: event reason CIDRNotAvailable and its log wordings (pkg/controller/nodeipam), as seen in issue threads.
    id: 'node-has-no-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED',
    confidence: 0.92,
    pattern: /no podCidr for node|pod ?CIDR (?:is )?(?:empty|not (?:set|assigned))|CIDRNotAvailable|no remaining CIDRs left to allocate|mask size of cluster CIDR must be less than|Failed to get pod CIDR from node spec/i,
    explanation: 'The node has no spec.podCIDR, so the CNI cannot pick a subnet for it; the controller-manager only allocates node CIDRs when kubeadm was given a pod network CIDR (--pod-network-cidr / networking.podSubnet) large enough for every node.',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get cm kubeadm-config -o yaml | grep -A3 networking', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'],
  },
  {
    // Go's net package ("dial unix %s: connect: ...", "dial tcp ...: connection refused") inside a sandbox failure: the
    // plugin's node agent is down. Covers agents whose source was not read (antrea cni.sock, kube-ovn, weave's 127.0.0.1:6784).
    id: 'cni-agent-socket-missing',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.86,
    pattern: new RegExp(String.raw`dial unix \S*(?<agent>cilium|calico|weave|antrea|kube-ovn|flannel|ovn)\S*\.sock: ${connectOp}: (?:no such file or directory|connection refused)|dial tcp (?:127\.0\.0\.1|localhost):(?<port>\d+): ${connectOp}: connection refused`, 'i'),
    when: (_m, observation) => sandboxNetworkFailure.test(observation.evidence.text) || /\bcni\b|unable to allocate IP/i.test(observation.evidence.text),
    explanation: 'The CNI plugin on {node} could not reach its node agent (local socket or port), so the provider\'s daemon pod on that node is not running yet or keeps restarting.',
    nextCommands: ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | grep -Ei "cilium|calico|weave|antrea|flannel|ovn"', 'kubectl describe pod -n <ns> <cni-daemon-pod-on-{node}>', 'kubectl logs -n <ns> <cni-daemon-pod-on-{node}> --all-containers --tail=50'],
  },
  {
    // client-go / Go crypto/x509 wordings inside a sandbox failure (calico's own "connection is unauthorized" is in catalog/calico.ts).
    id: 'cni-apiserver-credentials-rejected',
    code: 'CNI_CREDENTIALS_REJECTED',
    confidence: 0.86,
    pattern: /\bUnauthorized\b|the server has asked for the client to provide credentials|x509: certificate (?:has expired|signed by unknown authority)/,
    when: (_m, observation) => sandboxNetworkFailure.test(observation.evidence.text),
    explanation: 'The CNI plugin reached the API server but the credentials in its kubeconfig were rejected (an expired or revoked token, or a CA from before the cluster was re-created); the network itself is fine.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d/   # e.g. calico-kubeconfig: check the token\'s age', 'kubectl -n kube-system rollout restart ds/calico-node   # the daemon rewrites the plugin\'s kubeconfig with a fresh token'],
  },
];
