import type { CatalogEntry } from './catalog-entry.js';
import { exceptNodeConditions } from './runtimes.js';

/**
 * containernetworking/cni: libcni (config loading, plugin lookup, version checks), which every
 * runtime links. Its texts reach the operator through the runtime's config loader (runtime log)
 * or inside the sandbox error when a pod's network is set up.
 */
const repo = 'containernetworking/cni';
const configCommands = ['ssh {node} ls -l /etc/cni/net.d', 'ssh {node} "for f in /etc/cni/net.d/*; do echo == $f; python3 -m json.tool $f; done"', 'kubectl netcheck --dump DIR   # with node facts it names the file and the problem'];
const versionCommands = ['ssh {node} grep -h cniVersion /etc/cni/net.d/*', 'ssh {node} "/opt/cni/bin/{plugin} --version 2>&1 || CNI_COMMAND=VERSION /opt/cni/bin/{plugin} </dev/null"', 'upgrade the plugins in /opt/cni/bin (github.com/containernetworking/plugins/releases) or lower cniVersion in the config'];
const unreadable = 'A file in /etc/cni/net.d on {node} exists but libcni cannot load it';

export const libcniEntries: readonly CatalogEntry[] = [
  {
    id: 'cni-binary-not-in-path',
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'flannel',
    source: { repo, file: 'pkg/invoke/find.go', format: 'failed to find plugin %q in path %s' },
    // The path list prints as [dir dir ...]; the first directory is the one to look in.
    pattern: /failed to find plugin \\*"(?<plugin>[^"\\]+)\\*" in path \[(?<path>[^\]\s]*)[^\]]*\]/,
    examples: [['flannel', '[/opt/cni/bin]'], ['calico', '[/opt/cni/bin /usr/libexec/cni]']],
    explanation: 'The CNI config names plugin type "{plugin}", but there is no executable of that name in {path} on {node}, so every pod sandbox fails to get a network.',
    nextCommands: ['ssh {node} ls -l {path}', 'ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', 'copy the "{plugin}" binary into {path} (reference plugins: github.com/containernetworking/plugins/releases; flannel: github.com/flannel-io/cni-plugin/releases)'],
  },
  {
    id: 'conflist-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: %w' },
    examples: [['unexpected end of JSON input'], ['invalid character \'}\' looking for beginning of object key string']],
    explanation: `${unreadable} (the .conflist is not valid JSON), so the node behaves as if no CNI were installed.`,
    nextCommands: configCommands,
  },
  {
    id: 'conflist-no-plugins-key',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', ref: 'v0.8.1', format: 'error parsing configuration list: no \'plugins\' key' },
    examples: [[]],
    explanation: `${unreadable}: a .conflist without a "plugins" list (a single-plugin .conf saved under the .conflist name?).`,
    nextCommands: configCommands,
  },
  {
    id: 'conflist-empty-plugins',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: no plugins in list' },
    examples: [[]],
    explanation: `${unreadable}: its "plugins" list is empty.`,
    nextCommands: configCommands,
  },
  {
    id: 'conflist-no-name',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: no name' },
    examples: [[]],
    explanation: `${unreadable}: the .conflist has no "name".`,
    nextCommands: configCommands,
  },
  {
    id: 'conflist-bad-cniversion',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: invalid cniVersion %s: %w' },
    examples: [['1.0.0.1', 'invalid version "1.0.0.1": too many parts']],
    explanation: `${unreadable}: its cniVersion is not a version libcni understands.`,
    nextCommands: configCommands,
  },
  {
    id: 'conf-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration: %w' },
    examples: [['unexpected end of JSON input']],
    explanation: `${unreadable} (the .conf is not valid JSON), so the node behaves as if no CNI were installed.`,
    nextCommands: configCommands,
  },
  {
    id: 'conf-missing-type',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration: missing \'type\'' },
    examples: [[]],
    explanation: `${unreadable}: a .conf without "type" (a .conflist saved under a .conf name?).`,
    nextCommands: configCommands,
  },
  {
    id: 'plugin-rejects-config-version',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'libcni/api.go', format: 'plugin %s does not support config version %q' },
    groups: ['plugin', 'version'],
    examples: [['bridge', '1.0.0']],
    explanation: 'The CNI config on {node} asks for cniVersion {version}, which the installed {plugin} binary does not support (plugins older than the config).',
    nextCommands: versionCommands,
  },
  {
    id: 'incompatible-cni-versions',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/version/reconcile.go', format: 'incompatible CNI versions: %s' },
    groups: ['details'],
    pattern: /incompatible CNI versions?[:;] (?<details>config is \\*"(?<version>[^"\\]*)\\*", plugin supports \[[^\]]*\])/,
    examples: [['config is "1.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0"]']],
    explanation: 'The CNI config on {node} asks for cniVersion {version}, which the installed plugin binary does not support ({details}).',
    nextCommands: ['ssh {node} grep -h cniVersion /etc/cni/net.d/*', 'ssh {node} ls -l /opt/cni/bin', 'upgrade the plugins in /opt/cni/bin (github.com/containernetworking/plugins/releases) or lower cniVersion in the config'],
  },
  {
    id: 'plugin-incompatible-cni-versions',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'cni-plugin', pluginType: 'host-local',
    // What a plugin built on pkg/skel prints (JSON error: "msg": "incompatible CNI versions", "details": "config is ...").
    source: { repo, file: 'pkg/skel/skel.go', format: 'incompatible CNI versions' },
    examples: [[]],
    explanation: 'A CNI plugin binary on {node} does not support the cniVersion its config asks for (plugins older than the config); the plugin\'s "details" name both versions.',
    nextCommands: ['ssh {node} grep -h cniVersion /etc/cni/net.d/*', 'ssh {node} ls -l /opt/cni/bin', 'upgrade the plugins in /opt/cni/bin (github.com/containernetworking/plugins/releases) or lower cniVersion in the config'],
  },
  {
    id: 'unsupported-result-version',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/types/internal/create.go', format: 'unsupported CNI result version %q' },
    groups: ['version'],
    examples: [['1.1.0']],
    explanation: 'A CNI plugin on {node} answered with result version {version}, which the runtime\'s libcni does not know: the plugins are newer than the runtime, or cniVersion in the config is too new for it.',
    nextCommands: ['ssh {node} grep -h cniVersion /etc/cni/net.d/*', 'ssh {node} "containerd --version; crio --version"'],
  },
  {
    id: 'empty-cni-version',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo, file: 'pkg/version/plugin.go', ref: 'v0.8.1', format: 'invalid version %q: the version is empty' },
    examples: [['']],
    explanation: `${unreadable}: its cniVersion is empty (libcni 1.x requires one).`,
    nextCommands: configCommands,
  },
  {
    id: 'no-net-configurations',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.68, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'no net configurations found in %s' },
    groups: ['dir'],
    examples: [['/etc/cni/net.d']],
    when: (_m, observation, view) => !view.isNodeReadyNow(observation.node),
    explanation: 'The runtime on {node} found no CNI config files at all in {dir}: no pod network add-on has put its config there yet.',
    nextCommands: ['ssh {node} ls -l {dir} /opt/cni/bin', 'kubectl get ds -A   # is a CNI DaemonSet deployed, and Ready on {node}?'],
  },
];
