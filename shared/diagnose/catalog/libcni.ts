import type { CatalogEntry } from './catalog-entry.js';
import { cniConfigCommands } from '../next-commands.js';
import { exceptNodeConditions } from './runtimes.js';

/**
 * containernetworking/cni: libcni (config loading, plugin lookup, version checks), which every
 * runtime links. Its texts reach the operator through the runtime's config loader (runtime log)
 * or inside the sandbox error when a pod's network is set up.
 */
const repo = 'containernetworking/cni';
const versionCommands = ['ssh {node} grep -h cniVersion /etc/cni/net.d/*', 'ssh {node} "/opt/cni/bin/{plugin} --version 2>&1 || CNI_COMMAND=VERSION /opt/cni/bin/{plugin} </dev/null"', 'upgrade the plugins in /opt/cni/bin (github.com/containernetworking/plugins/releases) or lower cniVersion in the config'];
/** The same when the message does not name the plugin. */
const versionCommandsAnyPlugin = versionCommands.map((c) => c.replace('{plugin}', '<plugin>'));
const unreadable = 'A file in /etc/cni/net.d on {node} exists but libcni cannot load it';

export const libcniEntries: readonly CatalogEntry[] = [
  {
    id: 'cni-binary-not-in-path',
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'flannel',
    source: { repo, file: 'pkg/invoke/find.go', format: 'failed to find plugin %q in path %s' },
    // The path list prints as [dir dir ...]; the first directory is the one to look in.
    // A quoted message is often cut off inside the list, so the closing bracket is not required.
    pattern: /failed to find plugin \\*"(?<plugin>[^"\\]+)\\*" in path \[(?<path>[^\]\s"\\]*)/,
    examples: [['flannel', '[/opt/cni/bin]'], ['calico', '[/opt/cni/bin /usr/libexec/cni]']],
    explanation: 'The CNI config names plugin type "{plugin}", but there is no executable of that name in {path} on {node}, so every pod sandbox fails to get a network.',
    nextCommands: ['ssh {node} ls -l {path}', 'ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', 'copy the "{plugin}" binary into {path} (reference plugins: github.com/containernetworking/plugins/releases; flannel: github.com/flannel-io/cni-plugin/releases)'],
  },
  {
    // libcni of 2016 (import path github.com/appc/cni): the lookup returned "" for a missing binary and the exec printed
    // filepath.Base("") = ".", so the plugin's name is lost; kubelet 1.3.5+ also sets up the "lo" network (loopback plugin).
    id: 'cni-binary-not-found-unnamed',
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.88, emitter: 'cni-plugin', pluginType: 'loopback',
    source: { repo, file: 'pkg/invoke/exec.go', ref: 'v0.2.0', format: 'could not find %q plugin' },
    groups: ['plugin'],
    examples: [['.'], ['loopback']],
    explanation: 'A plugin binary a CNI config names is not in the CNI bin dir on {node} (old libcni prints "." for its name; "cni lo network" in the same line means the loopback plugin), so pod sandboxes get no network.',
    nextCommands: ['ssh {node} ls -l /opt/cni/bin', 'ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', 'install the reference plugins (loopback, bridge, host-local, portmap ...) into /opt/cni/bin: github.com/containernetworking/plugins/releases'],
  },
  {
    id: 'conflist-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: %w' },
    examples: [['unexpected end of JSON input'], ['invalid character \'}\' looking for beginning of object key string']],
    explanation: `${unreadable} (the .conflist is not valid JSON), so the node behaves as if no CNI were installed.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conflist-no-plugins-key',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', ref: 'v0.8.1', format: 'error parsing configuration list: no \'plugins\' key' },
    examples: [[]],
    explanation: `${unreadable}: a .conflist without a "plugins" list (a single-plugin .conf saved under the .conflist name?).`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conflist-empty-plugins',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: no plugins in list' },
    examples: [[]],
    explanation: `${unreadable}: its "plugins" list is empty.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conflist-no-name',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: no name' },
    examples: [[]],
    explanation: `${unreadable}: the .conflist has no "name".`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conflist-bad-cniversion',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration list: invalid cniVersion %s: %w' },
    examples: [['1.0.0.1', 'invalid version "1.0.0.1": too many parts']],
    explanation: `${unreadable}: its cniVersion is not a version libcni understands.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conf-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration: %w' },
    examples: [['unexpected end of JSON input']],
    explanation: `${unreadable} (the .conf is not valid JSON), so the node behaves as if no CNI were installed.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'conf-missing-type',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error parsing configuration: missing \'type\'' },
    examples: [[]],
    explanation: `${unreadable}: a .conf without "type" (a .conflist saved under a .conf name?).`,
    nextCommands: cniConfigCommands,
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
    // The version also arrives unquoted, where a logger or a JSON error's "msg" lost the quotes.
    pattern: /unsupported CNI result version \\*"?(?<version>\d+\.\d+\.\d+)/,
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
    nextCommands: cniConfigCommands,
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
  // What libcni and pkg/skel print for a config a runtime loaded but a plugin (or libcni) cannot use.
  {
    id: 'plugin-type-invalid',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/invoke/find.go', format: 'invalid plugin name: %s' },
    groups: ['plugin'],
    examples: [['/opt/cni/bin/flannel']],
    explanation: 'A "type" in the CNI config on {node} is "{plugin}": libcni takes a plugin name, not a path, so it refuses to run it.',
    nextCommands: ['ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', ...cniConfigCommands.slice(0, 1)],
  },
  {
    id: 'plugin-type-empty',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/invoke/find.go', format: 'no plugin name provided' },
    examples: [[]],
    explanation: 'A plugin in the CNI config on {node} (or the IPAM / delegate section) has an empty "type", so libcni has nothing to run.',
    nextCommands: ['ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', ...cniConfigCommands.slice(0, 1)],
  },
  {
    id: 'cniversion-part-not-a-number',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo, file: 'pkg/version/plugin.go', format: 'failed to convert major version part %q: %w' },
    groups: ['part'],
    // The same check for the minor and micro parts.
    pattern: /failed to convert (?:major|minor|micro) version part \\*"(?<part>[^"\\]*)\\*"/,
    examples: [['v0', 'strconv.Atoi: parsing "v0": invalid syntax']],
    explanation: `${unreadable}: its cniVersion is not of the form 1.0.0 (the part {part} is not a number).`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'cniversion-too-many-parts',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo, file: 'pkg/version/plugin.go', format: 'invalid version %q: too many parts' },
    groups: ['version'],
    examples: [['0.3.1.0']],
    explanation: `${unreadable}: its cniVersion {version} is not of the form 1.0.0.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'cniversion-undecodable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/types/create/create.go', format: 'decoding version from network config: %w' },
    examples: [['json: cannot unmarshal number into Go struct field ConfigDecoder.cniVersion of type string']],
    explanation: 'The cniVersion in the CNI config on {node} cannot be read (not a string?), so libcni cannot tell which result version to expect.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'result-version-mismatch',
    code: 'CNI_CONFIG_INVALID', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/types/100/types.go', format: 'result type supports %v but unmarshalled CNIVersion is %q' },
    groups: ['supported', 'version'],
    examples: [['[1.0.0 1.1.0]', '0.4.0']],
    explanation: 'A CNI plugin on {node} answered with a result of version {version}, which is not the version its config asked for: the plugin binaries and the cniVersion in /etc/cni/net.d do not match.',
    nextCommands: versionCommandsAnyPlugin,
  },
  {
    id: 'result-version-no-converter',
    code: 'CNI_CONFIG_INVALID', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/types/internal/convert.go', format: 'no converter for CNI result version %s to %s' },
    groups: ['from', 'to'],
    examples: [['0.1.0', '1.1.0']],
    explanation: 'libcni on {node} cannot convert a plugin\'s result from version {from} to {to}: the plugin binaries and the cniVersion in /etc/cni/net.d are too far apart.',
    nextCommands: versionCommandsAnyPlugin,
  },
  {
    id: 'conflist-plugin-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'failed to parse plugin config %d: %w' },
    groups: ['index'],
    ignoreCase: true, // "Failed to parse plugin config" before libcni 0.8
    examples: [['1', 'error parsing configuration: missing \'type\'']],
    explanation: `${unreadable}: plugin number {index} of its "plugins" list is not a valid plugin config.`,
    nextCommands: cniConfigCommands,
  },
  {
    id: 'config-file-unreadable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.8, emitter: 'runtime-cni-config',
    source: { repo, file: 'libcni/conf.go', format: 'error reading %s: %w' },
    groups: ['file'],
    // Only a CNI config file: "error reading" alone is said of anything.
    pattern: /error reading (?<file>\/\S*\.(?:conflist|conf|json)): /,
    examples: [['/etc/cni/net.d/10-calico.conflist', 'open /etc/cni/net.d/10-calico.conflist: permission denied']],
    explanation: 'The runtime on {node} cannot read {file} (permissions, a dangling symlink, a directory of that name), so that config is not used.',
    nextCommands: ['ssh {node} ls -lL /etc/cni/net.d', ...cniConfigCommands.slice(1)],
  },
  {
    id: 'skel-config-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/skel/skel.go', format: 'error unmarshall network config: %v' },
    examples: [['json: cannot unmarshal string into Go struct field NetConf.mtu of type int']],
    explanation: 'A CNI plugin on {node} cannot parse the config it was given (a field of the wrong type or shape in /etc/cni/net.d).',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'skel-config-no-name',
    code: 'CNI_CONFIG_INVALID', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, file: 'pkg/skel/skel.go', format: 'missing network name' },
    examples: [[]],
    explanation: 'The CNI config on {node} gives a plugin no network "name", so the plugin refuses it.',
    nextCommands: cniConfigCommands,
  },
  {
    // The plugin could not be run at all: Go's exec error inside libcni's message (pkg/invoke/raw_exec.go).
    id: 'plugin-binary-not-executable',
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.82, emitter: 'cni-plugin', pluginType: 'flannel',
    source: { repo, file: 'pkg/invoke/raw_exec.go', format: 'netplugin failed with no error message: %v' },
    groups: ['error'],
    pattern: /netplugin failed with no error message: (?<error>fork\/exec (?<binary>\/\S+): (?:exec format error|no such file or directory|permission denied))/,
    examples: [['fork/exec /opt/cni/bin/flannel: exec format error'], ['fork/exec /opt/cni/bin/calico: no such file or directory']],
    explanation: 'The CNI plugin {binary} on {node} is there but cannot be executed ({error}): a binary for another CPU architecture, one built against a C library or loader the node lacks, or a file without execute permission. Pods get no network until a working binary is installed.',
    nextCommands: ['ssh {node} "ls -l {binary}; file {binary}; uname -m"', 'install the binary built for this node\'s architecture (github.com/containernetworking/plugins/releases, the provider\'s release)'],
  },
  {
    id: 'plugin-exec-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.5, emitter: 'cni-plugin', pluginType: 'example-cni',
    source: { repo, file: 'pkg/invoke/raw_exec.go', format: 'netplugin failed with no error message: %v' },
    groups: ['error'],
    pattern: /netplugin failed with no error message: (?<error>.{1,200})/,
    examples: [['signal: killed']],
    explanation: 'A CNI plugin on {node} exited without saying why ({error}): it crashed or was killed.',
    nextCommands: ['ssh {node} journalctl -u kubelet -u containerd -u crio --since -10min | grep -iE "cni|netplugin"', 'ssh {node} dmesg | tail -20   # killed for memory?'],
  },
  {
    id: 'plugin-printed-no-result',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.5, emitter: 'cni-plugin', pluginType: 'example-cni',
    source: { repo, file: 'pkg/invoke/raw_exec.go', format: 'netplugin failed but error parsing its diagnostic message %q: %v' },
    groups: ['output'],
    pattern: /netplugin failed but error parsing its diagnostic message \\*"(?<output>(?:[^"\\]|\\+[^"\\])*)/,
    examples: [['panic: runtime error: invalid memory address or nil pointer dereference', 'invalid character \'p\' looking for beginning of value']],
    explanation: 'A CNI plugin on {node} failed and printed something that is not a CNI error ("{output}"): it crashed, or the file run is not a CNI plugin.',
    nextCommands: ['ssh {node} journalctl -u kubelet -u containerd -u crio --since -10min | grep -iE "cni|netplugin"'],
  },
];
