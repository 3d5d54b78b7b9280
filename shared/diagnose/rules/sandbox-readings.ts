import type { CauseCode } from '../cause-catalog.js';
import type { ClusterView } from '../cluster-view.js';
import { cniConfigFile, netErrorIn } from '../failure-vocabulary.js';
import { causeTopicOf } from '../cause-topics.js';
import { namesPluginConfigDir } from './unexplained-failures.js';

/** A cause read from the structure of a text (rules/structural-readings.ts), with why. */
export interface Reading {
  code: CauseCode;
  confidence: number;
  /** Why the structure points there, one clause. */
  why: string;
}

/** A text quoted inside an explanation: escaped, and cut from the front (the end of a wrapped error is the cause). */
export function quoteEvidence(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `…${text.slice(-(max - 1))}` : text);
}

/**
 * `plugin type="istio-cni" failed (add): exec: "sh": executable file not found in $PATH` (or `fork/exec /usr/sbin/iptables:
 * no such file or directory`): libcni found and ran the plugin (its wrapper names it), and the plugin could not run a
 * helper of its own (Go os/exec's `exec: %q: %v`, or the fork/exec of an absolute path).
 * That is the plugin's failure (or a host tool it needs), not a missing CNI plugin binary.
 */
function pluginRanAndExecFailed(text: string): boolean {
  // Quotes may arrive escaped once or more (logfmt inside klog): \\*".
  const plugin = /plugin type=\\*"([^"\\]+)\\*"/.exec(text)?.[1];
  const missing = /exec: \\*"([^"\\]+)\\*": executable file not found/.exec(text)?.[1] ?? /fork\/exec (\S+): no such file or directory/.exec(text)?.[1];
  return plugin !== undefined && missing !== undefined && missing.split('/').pop() !== plugin;
}

/**
 * A failed sandbox network set-up no rule names, read by what the message says failed inside the runtime's
 * wrapper (containerd internal/cri/server/sandbox_run.go "failed to setup network for sandbox %q: %w"; libcni
 * libcni/api.go "plugin type=%q failed (add): %w"; cri-o's ocicni "error adding pod %s to CNI network %q: %w";
 * dockershim "NetworkPlugin cni failed to set up pod %q network: %v"):
 * - the plugin could not reach a local socket or loopback port: its node agent is not running (Go net errors);
 * - the plugin binary could not be executed (Go os/exec: "fork/exec %s: no such file or directory",
 *   exec.ErrNotFound "executable file not found in $PATH" unless a plugin that ran could not run its own helper;
 *   libcni invoke/find.go "failed to find plugin %q in path %s");
 * - a CNI config file is named (libcni loads it before any plugin runs): the config is rejected; so is "no networks
 *   found in DIR" for a DIR that is not the runtime's: a delegating plugin (multus) found no config for its network;
 * - a connection to a service IP times out: the plugin reaches the API server through kube-proxy's translation;
 * - an error naming what a cause concerns (cause-topics.ts: a sysctl key, iptables, the MTU, podCIDR ...): that cause;
 * - anything else is the plugin's own error.
 */
export function readSandboxFailure(text: string, view: ClusterView): Reading {
  const net = netErrorIn(text, view);
  if (net?.kind === 'local-socket' || (net?.kind === 'refused' && net.targetKind === 'loopback')) {
    return { code: 'CNI_DAEMON_NOT_READY', confidence: 0.45, why: 'the CNI plugin could not reach its node agent (a local socket or port), so the agent is not running on that node' };
  }
  if (/failed to find plugin/.test(text) || (/fork\/exec \S+: no such file or directory|executable file not found in \$PATH/.test(text) && !pluginRanAndExecFailed(text))) {
    return { code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.45, why: 'the runtime could not execute a CNI plugin binary' };
  }
  if (namesPluginConfigDir(text)) {
    return { code: 'CNI_CONFIG_INVALID', confidence: 0.45, why: 'a plugin that ran (so a CNI config was loaded) found no config for the network it delegates to (multus and other meta plugins keep their own config dirs)' };
  }
  if (cniConfigFile.test(text)) {
    return { code: 'CNI_CONFIG_INVALID', confidence: 0.45, why: 'the error names a CNI config file, which the runtime loads before any plugin runs' };
  }
  if (net && (net.kind === 'timeout' || net.kind === 'unreachable') && net.targetKind === 'service') {
    return { code: 'SERVICE_PROXY_BROKEN', confidence: 0.45, why: `the CNI plugin's connection to the service IP ${net.target} gets no answer; it reaches the API server only through kube-proxy's translation` };
  }
  const topic = causeTopicOf(text);
  if (topic) return { code: topic.code, confidence: 0.45, why: `setting up the pod network failed with an error netcheck has no rule for, and ${topic.why}` };
  return { code: 'CNI_PLUGIN_ERROR', confidence: 0.45, why: 'setting up the pod network failed with an error netcheck has no rule for (case A)' };
}
