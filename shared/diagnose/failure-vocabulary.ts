import { hostPortPattern, ipInRanges, parseIp } from '../net/cidr.js';
import type { ClusterView } from './cluster-view.js';

/**
 * The generic vocabulary of failure, read from the code that prints it rather than from
 * reports of one cause: how a logger marks an error line, how Go's net package words a
 * failed connection, and which component a kubelet or runtime log line comes from. The
 * structural readings (rules/structural-readings.ts) name a cause from these alone when no
 * catalogue wording matches.
 */

export type Severity = 'fatal' | 'error' | 'warning' | 'info';

/**
 * The level a logger printed, by the header shapes of the loggers the cluster's components use:
 * - klog (kubernetes/klog klog.go, header "Lmmdd hh:mm:ss.uuuuuu threadid file:line]"): kubelet, kube-proxy, flanneld, kindnet;
 * - logrus' text formatter (sirupsen/logrus text_formatter.go, `level=error`): containerd, cri-o, k3s, cilium, weave;
 * - JSON loggers (zap, logrus JSONFormatter: `"level":"error"`): antrea, cilium with JSON output;
 * - calico's formatter (projectcalico/calico libcalico-go/lib/logutils/logutils.go, "[ERROR][pid] file.go 123:")
 *   and CoreDNS' plugin/pkg/log ("[ERROR] plugin/errors: ...");
 * - Go's runtime ("panic: ", "fatal error: ").
 */
const klogHeader = /(?:^|\]: |\s)(?<level>[IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+\.go:\d+\]/;
const logrusLevel = /\blevel=(?<level>panic|fatal|error|warning|warn|info|debug|trace)\b|"level":\s*"(?<jsonLevel>panic|fatal|error|warning|warn|info|debug|trace)"/i;
const bracketLevel = /\[(?<level>FATAL|PANIC|ERROR|WARNING|WARN|INFO|DEBUG)\](?:\[\d+\])?\s/;
const goRuntimeFatal = /^(?:panic: |fatal error: )/;

const klogLevels: Record<string, Severity> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

function levelWord(word: string): Severity {
  const w = word.toLowerCase();
  if (w === 'panic' || w === 'fatal') return 'fatal';
  if (w === 'error') return 'error';
  if (w === 'warning' || w === 'warn') return 'warning';
  return 'info';
}

/** The level a log line's header states, or undefined for a line without one (pasted output, plain stderr). */
export function statedSeverity(line: string): Severity | undefined {
  if (goRuntimeFatal.test(line)) return 'fatal';
  const klog = klogHeader.exec(line)?.groups?.['level'];
  if (klog) return klogLevels[klog];
  const logrus = logrusLevel.exec(line)?.groups;
  if (logrus) return levelWord(logrus['level'] ?? logrus['jsonLevel'] ?? 'info');
  const bracket = bracketLevel.exec(line)?.groups?.['level'];
  return bracket ? levelWord(bracket) : undefined;
}

/**
 * Words with which Go errors and daemons say something failed: fmt.Errorf("failed to ..."), "unable to",
 * "cannot", the errno strings of syscall (ENOENT "no such file or directory", EACCES "permission denied",
 * ECONNREFUSED, ETIMEDOUT), a process saying it stops ("exited", "aborting", "Terminating").
 */
const failureWords = /\b(?:error|errors|failed|failure|fatal|unable to|cannot|can't|could not|couldn't|not found|no such file or directory|permission denied|connection refused|timed out|unreachable|aborting|exited|terminating|invalid)\b/i;

/**
 * Whether a log line reports a failure: an error or fatal header, or a warning or header-less line
 * worded as a failure. Info and debug lines never do, whatever words they carry.
 */
export function isFailureLine(line: string): boolean {
  const severity = statedSeverity(line);
  if (severity === 'error' || severity === 'fatal') return true;
  if (severity === 'info') return false;
  return failureWords.test(line);
}

/** How a connection failed, in Go's net package words. */
export type NetErrorKind = 'timeout' | 'unreachable' | 'refused' | 'local-socket';

/** What the failed connection was aimed at, judged against the cluster's ranges. */
export type TargetKind = 'service' | 'pod' | 'loopback' | 'other' | 'unknown';

export interface NetError {
  kind: NetErrorKind;
  /** `ip:port` when the text names it. */
  target?: string;
  targetKind: TargetKind;
}

/** The op of a failed TCP/unix connect in Go's OpError text: "connect", or "getsockopt" in older Go releases. */
export const connectOp = '(?:connect|getsockopt)';

/**
 * Go's net package: OpError prints "<op> <net> <addr>: <err>" (golang/go src/net/net.go), e.g.
 * "dial tcp 10.96.0.1:443: i/o timeout", "read udp 10.244.0.27:54684->10.96.0.10:53: i/o timeout";
 * the errors inside are the timeout error ("i/o timeout", src/net/net.go; "context deadline exceeded",
 * src/context/context.go; net/http's "(Client.Timeout exceeded while awaiting headers)", src/net/http/client.go)
 * and the errno strings of src/syscall/zerrors_linux_*.go: ETIMEDOUT "connection timed out",
 * EHOSTUNREACH "no route to host", ENETUNREACH "network is unreachable", ECONNREFUSED "connection refused",
 * ENOENT "no such file or directory" (a unix socket that is not there). The kubelet's HTTP and TCP probes
 * (kubernetes/kubernetes pkg/probe/http/http.go, pkg/probe/tcp/tcp.go) return these errors as the probe output,
 * which pkg/kubelet/prober/prober.go puts after "<Readiness|Liveness|Startup> probe failed: ".
 * Older Go releases named the failed connect "getsockopt" ((*netFD).connect in src/net/fd_unix.go read SO_ERROR
 * with getsockopt and wrapped it as os.NewSyscallError("getsockopt", err)): "dial tcp 10.96.0.1:443: getsockopt: no route
 * to host" is the same failure as "...: connect: no route to host"; see connectOp.
 * Other clients word a timeout the same way ("timed out", Python's ConnectTimeout).
 */
const localSocketError = new RegExp(String.raw`dial unix \S+: ${connectOp}: (?:no such file or directory|connection refused)`);
const timeoutError = /i\/o timeout|context deadline exceeded|Client\.Timeout exceeded|connection timed out|\btimed out\b|ConnectTimeout/;
const unreachableError = /no route to host|network is unreachable|host is unreachable/;
const refusedError = /connection refused/;
const dialTarget = new RegExp(String.raw`(?:dial tcp[46]? |->|https?://)${hostPortPattern}`);

/** The connection failure a text reports, if any. A TLS handshake timeout is not one: the connection was made. */
export function netErrorIn(text: string, view: ClusterView): NetError | undefined {
  const kind: NetErrorKind | undefined = localSocketError.test(text) ? 'local-socket'
    : /TLS handshake timeout/.test(text) ? undefined
      : timeoutError.test(text) ? 'timeout'
        : unreachableError.test(text) ? 'unreachable'
          : refusedError.test(text) ? 'refused' : undefined;
  if (!kind) return undefined;
  const groups = dialTarget.exec(text)?.groups;
  const ip = groups?.['ip'];
  if (!ip || kind === 'local-socket') return { kind, targetKind: kind === 'local-socket' ? 'loopback' : 'unknown' };
  return { kind, target: `${ip}:${groups['port']}`, targetKind: targetKindOf(ip, view) };
}

function targetKindOf(ip: string, view: ClusterView): TargetKind {
  const parsed = parseIp(ip);
  if (!parsed) return 'unknown';
  if (parsed.range() === 'loopback') return 'loopback';
  if (ipInRanges(ip, view.serviceRanges())) return 'service';
  if (ipInRanges(ip, view.podRanges())) return 'pod';
  return 'other';
}

/**
 * The Go source file in a klog header: it names the component that logged the line, whichever log it
 * was found in (k3s and rke2 run kube-proxy, the kubelet and flannel in one process and one journal).
 */
export function klogSourceFile(line: string): string | undefined {
  return /\s\d+ (?<file>[\w.-]+\.go):\d+\]/.exec(line)?.groups?.['file'];
}

/** kube-proxy's proxiers and server (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, pkg/proxy/ipvs/proxier.go, cmd/kube-proxy/app/server*.go). */
export const kubeProxySourceFile = /^(?:proxier|server_others|server_linux|proxy_server)\.go$/;

/**
 * The kubelet's CNI code: dockershim's network plugin (pkg/kubelet/dockershim/network/cni/cni.go, cni_others.go,
 * plugins.go) and the kubelet's runtime network status (pkg/kubelet/kubelet_network*.go).
 */
export const kubeletCniSourceFile = /^(?:cni|cni_others|plugins|kubelet_network(?:_linux)?)\.go$/;

/**
 * The per-node agents of the CNI providers by the names they call themselves in logs (a k3s or rke2
 * journal says "flannel exited: ..."); the same providers cluster-view.ts recognises by pod name.
 */
export const cniAgentWord = /\b(?:flannel|flanneld|calico|calico-node|felix|bird|confd|cilium|cilium-agent|weave|kube-router|antrea|antrea-agent|kindnet|canal|kube-ovn|ovnkube|ovs-vswitchd|ovsdb-server|multus)\b/i;

/**
 * A CNI config file (not the directory), as the runtimes and libcni name it: libcni/conf.go loads `*.conf`,
 * `*.conflist` and `*.json` from the conf dir (/etc/cni/net.d, also under k3s' and rke2's agent dirs), and
 * flannel's net-conf.json feeds its CNI config. A bare `.conf` elsewhere (resolv.conf) is not one.
 */
export const cniConfigFile = /\/etc\/cni\/net\.d\/[\w.-]*\.(?:conf|conflist|json)\b|[\w-]\.conflist\b|\bnet-conf\.json\b/;
