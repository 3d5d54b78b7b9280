import type { ClusterView } from '../cluster-view.js';
import type { Observation } from '../observations.js';
import type { CatalogEntry } from './catalog-entry.js';
import { cniConfigCommands } from '../next-commands.js';

/**
 * The container runtimes' CNI paths: containerd's CRI plugin and its go-cni library, cri-o and its
 * ocicni library. Their wrappers ("failed to setup network for sandbox ...") carry the plugin's own
 * error; alone they name no cause, so they only give CNI_PLUGIN_ERROR, quoting the message.
 */
/** containerd 2.x paths; the same wordings are in pkg/cri/server (1.6) and pkg/cri/sbserver (1.7). */
const containerd = 'containerd/containerd';
const goCni = 'containerd/go-cni';
const crio = 'cri-o/cri-o';
const pluginErrorCommands = ['kubectl describe pod -n {namespace} {podName}', 'ssh {node} journalctl -u kubelet -u containerd -u crio --since -10min | grep -i cni'];
const pluginErrorExplanation = 'The CNI plugin failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.';
/** A runtime reporting "no CNI config" about a node that is Ready now is history, not a finding. */
export const nodeNotReadyNow = (_m: RegExpExecArray, observation: Observation, view: ClusterView) => !view.isNodeReadyNow(observation.node);
/**
 * "No CNI config" texts are read from events and logs; the node's Ready condition saying the same is
 * judged by diagnoseNodeConditions, which weighs it against the CNI daemon and the other nodes.
 */
export const exceptNodeConditions = ['event', 'kubeletLog', 'runtimeLog', 'podLog'] as const;
const sandboxId = '5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const unknownPluginFailure = 'plugin type="example-cni" failed (add): example-cni: endpoint 7 not programmed yet';

export const runtimeEntries: readonly CatalogEntry[] = [
  // containerd CRI plugin
  {
    id: 'containerd-setup-network-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo: containerd, file: 'internal/cri/server/sandbox_run.go', format: 'failed to setup network for sandbox %q: %w' },
    pattern: /failed to setup network for sandbox \\*"[^"\\]*\\*": (?<message>.{1,300})/,
    examples: [[sandboxId, unknownPluginFailure]],
    explanation: pluginErrorExplanation,
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'libcni-plugin-add-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo: 'containernetworking/cni', file: 'libcni/api.go', format: 'plugin %s failed (add): %w' },
    pattern: /plugin type=\\*"(?<plugin>[^"\\]+)\\*"(?: name=\\*"[^"\\]*\\*")? failed \(add\): (?<message>.{1,300})/,
    examples: [['type="example-cni" name="k8s-pod-network"', 'example-cni: endpoint 7 not programmed yet']],
    explanation: 'The CNI plugin "{plugin}" failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'containerd-destroy-network-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.4, emitter: 'runtime-sandbox',
    source: { repo: containerd, file: 'internal/cri/server/sandbox_stop.go', format: 'failed to destroy network for sandbox %q: %w' },
    pattern: /failed to destroy network for sandbox \\*"[^"\\]*\\*": (?<message>.{1,300})/,
    examples: [[sandboxId, 'plugin type="example-cni" failed (delete): example-cni: endpoint 7 not found']],
    explanation: 'The CNI plugin failed while tearing down a pod network on {node}: "{message}". Sandboxes that cannot be removed keep their addresses and can block new ones.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'containerd-network-plugin-not-ready',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'kubelet', nodeCondition: true,
    source: { repo: containerd, file: 'internal/cri/server/status.go', format: 'Network plugin returns error: %v' },
    groups: ['error'],
    pattern: /Network plugin returns error: (?<error>cni plugin not initialized|no CNI configuration file[^"\\]*)/i,
    examples: [['cni plugin not initialized']],
    when: nodeNotReadyNow,
    explanation: 'The runtime on {node} reports its pod network as not ready ({error}): it has not loaded any CNI config.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d /opt/cni/bin', 'kubectl get ds -A'],
  },
  // containerd's CNI config watcher (internal/cri/server/cni_conf_syncer.go): it reloads on WRITE/RENAME/REMOVE events in the
  // conf dir; an event naming the dir ITSELF means the dir was removed or renamed, and with it the inotify watch.
  {
    id: 'containerd-cni-conf-dir-watch-lost',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.8, emitter: 'runtime-cni-config',
    source: { repo: containerd, file: 'pkg/cri/server/cni_conf_syncer.go', ref: 'v1.6.0', format: 'failed to reload cni configuration after receiving fs change event(%s)' },
    groups: ['dir'],
    // fsnotify prints an event as `"NAME": OP` (before 1.6) or `OP  "NAME"` (1.6+); quotes arrive escaped inside logfmt.
    pattern: /fs change event\((?=[^)]*?\\*"(?<dir>\/[^"\\]*?net\.d)\/?\\*")(?:\\*"[^"\\]+\\*": (?:REMOVE|RENAME)|(?:REMOVE|RENAME)\s+\\*"[^"\\]+\\*")\)/,
    examples: [['"/etc/cni/net.d": REMOVE'], ['REMOVE        "/etc/cni/net.d"']],
    explanation: 'containerd on {node} saw its CNI config dir {dir} itself removed or renamed: its watch on the dir is gone, so configs written there since are never loaded and the node stays "cni plugin not initialized" however good they are. Restart containerd.',
    nextCommands: ['ssh {node} ls -ld {dir}; ssh {node} ls -l {dir}', 'ssh {node} systemctl restart containerd', 'kubectl get node {node} -o jsonpath=\'{.status.conditions[?(@.type=="Ready")].message}\''],
  },
  {
    id: 'containerd-cni-conf-dir-removed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.8, emitter: 'runtime-cni-config',
    // containerd 2.x stops its CRI service on it ("cni network conf monitor error: %w", internal/cri/server/service.go).
    source: { repo: containerd, file: 'internal/cri/server/cni_conf_syncer.go', format: 'cni conf dir is removed, stop watching' },
    examples: [[]],
    explanation: 'containerd on {node} stopped watching its CNI config dir because the dir was removed (containerd 2.x stops its CRI service with it): restart containerd once the dir is back.',
    nextCommands: ['ssh {node} ls -ld /etc/cni/net.d', 'ssh {node} systemctl restart containerd', 'ssh {node} journalctl -u containerd --since -15min | grep -i "cni"'],
  },
  // containerd/go-cni: loading /etc/cni/net.d
  {
    id: 'go-cni-no-network-config',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.68, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'no network config found in %s: %w' },
    groups: ['dir'],
    examples: [['/etc/cni/net.d', 'cni plugin not initialized']],
    when: nodeNotReadyNow,
    explanation: 'The runtime on {node} found no CNI config files at all in {dir}: no pod network add-on has put its config there yet.',
    nextCommands: ['ssh {node} ls -l {dir} /opt/cni/bin', 'kubectl get ds -A   # is a CNI DaemonSet deployed, and Ready on {node}?'],
  },
  {
    id: 'go-cni-config-load-failed',
    code: 'CNI_CONFIG_INVALID', confidence: 0.75, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'cni.go', format: 'cni config load failed: %v: %w' },
    groups: ['error'],
    // Found files but could not load them; "no network config found" (no files at all) is the entry above.
    pattern: /cni config load failed: (?!no network config found|no net configurations found)(?<error>.{1,300})/,
    examples: [['unexpected error while loading /etc/cni/net.d/10-calico.conflist', 'failed to load cni config']],
    explanation: 'containerd on {node} cannot load its CNI config ({error}), so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-config-unreadable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.8, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'failed to read config file: %v: %w' },
    groups: ['error'],
    pattern: /failed to read config file: (?<error>.{1,200}?): failed to read config file/,
    examples: [['open /etc/cni/net.d/10-calico.conflist: permission denied', 'failed to read config file']],
    explanation: 'containerd on {node} cannot read a file in /etc/cni/net.d ({error}), so the node behaves as if no CNI were installed.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d', ...cniConfigCommands.slice(1)],
  },
  {
    id: 'go-cni-conflist-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'failed to load CNI config list file %s: %v: %w' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conflist', 'error parsing configuration list: unexpected end of JSON input', 'invalid cni config']],
    explanation: 'containerd on {node} cannot load {file}, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-conf-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'failed to load CNI config file %s: %v: %w' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-bridge.conf', 'error parsing configuration: missing \'type\'', 'invalid cni config']],
    explanation: 'containerd on {node} cannot load {file}, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-network-type-missing',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'network type not found in %s: %w' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-bridge.conf', 'invalid cni config']],
    explanation: 'containerd on {node} finds no "type" in {file} (a .conflist saved under a .conf name?), so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-conflist-no-networks',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'CNI config list in config file %s has no networks, skipping: %w' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conflist', 'invalid cni config']],
    explanation: 'containerd on {node} skips {file}: its "plugins" list is empty.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-invalid-config',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'errors.go', format: 'invalid cni config' },
    examples: [[]],
    explanation: 'containerd on {node} rejects a file in /etc/cni/net.d as an invalid CNI config, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-no-valid-networks',
    code: 'CNI_CONFIG_INVALID', confidence: 0.75, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'no valid networks found in %s: %w' },
    examples: [['[/opt/cni/bin]', 'cni plugin not initialized']],
    explanation: 'containerd on {node} found CNI config files but none it could use, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  // cri-o and ocicni
  {
    id: 'crio-create-pod-network-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo: crio, file: 'server/sandbox_network.go', format: 'failed to create pod network sandbox %s(%s): %w' },
    pattern: /failed to create pod network sandbox \S+\([0-9a-f]+\): (?<message>.{1,300})/,
    examples: [['k8s_web-6d4cf56db6-5gq7n_default_8d1c2a4e-5b6f-7a8b-9c0d-1e2f3a4b5c6d_0', sandboxId, `error adding pod default_web-6d4cf56db6-5gq7n to CNI network "crio": ${unknownPluginFailure}`]],
    explanation: pluginErrorExplanation,
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'ocicni-add-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'error adding pod %s to CNI network %q: %w' },
    pattern: /error adding pod \S+ to CNI network \\*"(?<network>[^"\\]*)\\*": (?<message>.{1,300})/,
    examples: [['default_web-6d4cf56db6-5gq7n', 'crio', unknownPluginFailure]],
    explanation: 'Adding the pod to CNI network "{network}" failed on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'ocicni-no-config',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.68, emitter: 'kubelet', nodeCondition: true,
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'no CNI configuration file in %s. Has your network provider started?' },
    groups: ['dir'],
    ignoreCase: true, // "No CNI configuration file ..." before ocicni 0.4
    examples: [['/etc/cni/net.d/']],
    when: nodeNotReadyNow,
    explanation: 'cri-o on {node} found no CNI config files in {dir}: no pod network add-on has put its config there yet.',
    nextCommands: ['ssh {node} ls -l {dir} /opt/cni/bin', 'kubectl get ds -A   # is a CNI DaemonSet deployed, and Ready on {node}?'],
  },
  {
    id: 'ocicni-conflist-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'Error loading CNI config list file %s: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-calico.conflist', 'error parsing configuration list: unexpected end of JSON input']],
    explanation: 'cri-o on {node} cannot load {file}, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'ocicni-config-invalid',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'runtime-cni-config',
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'Error validating CNI config file %s: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-calico.conflist', '[plugin calico does not support config version "1.0.0"]']],
    explanation: 'cri-o on {node} rejects {file} when validating it against the installed plugins, so it is not used.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'go-cni-conf-to-list-failed',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo: goCni, file: 'opts.go', format: 'failed to convert CNI config file %s to CNI config list: %v: %w' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-bridge.conf', 'error parsing configuration list: no name', 'invalid cni config']],
    explanation: 'containerd on {node} cannot turn the single-plugin config {file} into a list, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'containerd-cni-config-not-initialized',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'runtime-sandbox',
    // Returned into "failed to setup network for sandbox": the runtime has no loadable CNI config at that moment.
    source: { repo: containerd, file: 'internal/cri/server/sandbox_run.go', format: 'cni config not initialized' },
    examples: [[]],
    explanation: 'containerd on {node} had no loadable CNI config when it set up the pod\'s network: no config in /etc/cni/net.d, or one it rejects (its log says which).',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d /opt/cni/bin', 'ssh {node} journalctl -u containerd --since -10min | grep -i "cni config"', 'kubectl get ds -A'],
  },
  {
    id: 'ocicni-conf-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'Error loading CNI config file %s: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-calico.conf', 'error parsing configuration: invalid character \'}\' looking for beginning of object key string']],
    explanation: 'cri-o on {node} cannot load {file} and skips it; with no other loadable file the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'ocicni-conf-to-list-failed',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo: crio, file: 'vendor/github.com/cri-o/ocicni/pkg/ocicni/ocicni.go', format: 'Error converting CNI config file %s to list: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-bridge.conf', 'error parsing configuration list: no name']],
    explanation: 'cri-o on {node} cannot turn the single-plugin config {file} into a list and skips it.',
    nextCommands: cniConfigCommands,
  },
];
