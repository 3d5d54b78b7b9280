import type { CoreV1Event, V1DaemonSet, V1Node, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { clusterPodCidr, isApiServerPod, parseKubeadmNetworking, podFlagValue, type ClusterPodCidr, type KubeadmNetworking } from './cluster-cidr.js';
import type { ClusterSnapshot } from '../snapshot/types.js';
import { parseCidrList, type Cidr } from '../net/cidr.js';

/** kubeadm's defaults, used when kubeadm-config cannot be read. */
export const kubeadmDefaultServiceSubnet = '10.96.0.0/12';

/**
 * Names of the per-node agents of common CNI providers. Pods mounting the host's
 * /etc/cni/net.d or /opt/cni/bin count too, so unknown providers are found.
 */
const cniDaemonNamePattern =
  /^(kube-flannel|flannel|calico-node|canal|weave-net|cilium(?!-operator)|kindnet|kube-router|antrea-agent|kube-ovn-cni|ovnkube-node|aws-node|azure-cni|multus)([-.]|$)/;
const cniHostPaths = ['/etc/cni/net.d', '/opt/cni/bin', '/etc/cni'];

/** Read-only lookups over a snapshot, shared by all rules. */
export class ClusterView {
  private readonly podsByKey = new Map<string, V1Pod>();
  private readonly podsByNode = new Map<string, V1Pod[]>();
  private readonly nodesByName = new Map<string, V1Node>();
  private clusterPodCidrMemo: [ClusterPodCidr | undefined] | undefined;
  private serviceSubnetMemo: string | undefined;
  private snapshotTimeMemo: [number | undefined] | undefined;
  private cniDaemonPodsMemo: V1Pod[] | undefined;
  private lastSuccessByNode: Map<string, number> | undefined;
  private podSubnetsMemo: string[] | undefined;
  private podRangesMemo: Cidr[] | undefined;
  private cniDaemonPodByNode: Map<string, V1Pod> | undefined;
  private readyProbedPodsByNode: Map<string, { total: number; byName: Map<string, number> }> | undefined;
  private configMapsByKey: Map<string, ClusterSnapshot['configMaps'][number]> | undefined;
  private serviceRangesMemo: Cidr[] | undefined;

  constructor(readonly snapshot: ClusterSnapshot) {
    for (const pod of snapshot.pods) {
      this.podsByKey.set(podKey(pod), pod);
      const node = pod.spec?.nodeName;
      if (!node) continue;
      // Appended in place: copying the node's list per pod made grouping quadratic (all pods on one node).
      const onNode = this.podsByNode.get(node);
      if (onNode) onNode.push(pod);
      else this.podsByNode.set(node, [pod]);
    }
    for (const node of snapshot.nodes) this.nodesByName.set(nodeName(node), node);
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.podsByKey.get(`${namespace}/${name}`);
  }

  node(name: string | undefined): V1Node | undefined {
    return name === undefined ? undefined : this.nodesByName.get(name);
  }

  podsOnNode(node: string): V1Pod[] {
    return this.podsByNode.get(node) ?? [];
  }

  /**
   * Whether the node's Ready condition is True now. Kubelet logs keep "network not
   * ready" lines from before the CNI was installed; a Ready node has moved on.
   */
  isNodeReadyNow(name: string | undefined): boolean {
    const node = this.node(name);
    return node !== undefined && readyCondition(node)?.status === 'True';
  }

  /**
   * An event about a pod that is gone (deleted, or replaced under the same
   * name) or that is Ready now: history, not the current state. Events live
   * an hour, so after a fix the old failures would otherwise still be read.
   * Only decidable when pods could be listed at all.
   */
  isPastPodEvent(event: CoreV1Event): boolean {
    const target = event.involvedObject;
    if (target.kind !== 'Pod' || this.snapshot.pods.length === 0) return false;
    const pod = this.pod(target.namespace ?? '', target.name ?? '');
    if (!pod) return true;
    if (target.uid && pod.metadata?.uid && target.uid !== pod.metadata.uid) return true;
    // A sandbox that could not be made then is there now once a container runs.
    if (event.reason === 'FailedCreatePodSandBox' && hasSandboxNow(pod)) return true;
    return isPodReady(pod);
  }

  /** When the node last became Ready, if it is Ready now and says when (ms since the epoch). */
  readySince(name: string | undefined): number | undefined {
    const ready = this.node(name) && readyCondition(this.node(name)!);
    if (ready?.status !== 'True') return undefined;
    const t = Date.parse(String(ready.lastTransitionTime ?? ''));
    return Number.isFinite(t) ? t : undefined;
  }

  /**
   * When the kubelet last reported the node Ready (Ready's lastHeartbeatTime, ms since the epoch), if
   * it is Ready now. The kubelet checks the runtime's network status every few seconds and reports it
   * in Ready, so a Ready heartbeat says the runtime had a usable CNI config at that time.
   */
  readyReportedAt(name: string | undefined): number | undefined {
    const ready = this.node(name) && readyCondition(this.node(name)!);
    if (ready?.status !== 'True') return undefined;
    const t = Date.parse(String(ready.lastHeartbeatTime ?? ''));
    return Number.isFinite(t) ? t : undefined;
  }

  /**
   * The snapshot's "now", without a clock: the newest node heartbeat (kubelets
   * post status every few seconds to a minute). Works the same on a dump.
   */
  snapshotTime(): number | undefined {
    if (this.snapshotTimeMemo === undefined) {
      // A loop, not Math.max(...beats): a spread of 125k+ arguments overflows the call stack.
      let newest: number | undefined;
      for (const node of this.snapshot.nodes) {
        for (const condition of node.status?.conditions ?? []) {
          const beat = Date.parse(String(condition.lastHeartbeatTime ?? ''));
          if (Number.isFinite(beat) && (newest === undefined || beat > newest)) newest = beat;
        }
      }
      this.snapshotTimeMemo = [newest];
    }
    return this.snapshotTimeMemo[0];
  }

  /**
   * The latest time a pod on the node got a working sandbox (a pod-network pod became
   * Ready or started a container), ms since the epoch: a CNI failure logged before it
   * was overcome. One pass over the pods, on first use.
   */
  lastPodNetworkSuccess(node: string): number | undefined {
    if (this.lastSuccessByNode === undefined) {
      this.lastSuccessByNode = new Map();
      for (const pod of this.snapshot.pods) {
        const name = pod.spec?.nodeName;
        if (!name || pod.spec?.hostNetwork) continue;
        const times = [
          ...(pod.status?.conditions ?? []).filter((c) => c.type === 'Ready' && c.status === 'True').map((c) => c.lastTransitionTime),
          ...(pod.status?.containerStatuses ?? []).map((c) => c.state?.running?.startedAt),
        ].map((t) => Date.parse(String(t ?? ''))).filter((t) => Number.isFinite(t));
        if (times.length > 0) this.lastSuccessByNode.set(name, Math.max(this.lastSuccessByNode.get(name) ?? -Infinity, ...times));
      }
    }
    return this.lastSuccessByNode.get(node);
  }

  /** Asked per node and per observation by several rules: one pass over the pods. */
  cniDaemonPods(): V1Pod[] {
    this.cniDaemonPodsMemo ??= this.snapshot.pods.filter((p) => isCniDaemonPod(p));
    return this.cniDaemonPodsMemo;
  }

  /** The first CNI daemon pod scheduled on the node: asked per node, indexed once. */
  cniDaemonPodOn(node: string): V1Pod | undefined {
    if (this.cniDaemonPodByNode === undefined) {
      this.cniDaemonPodByNode = new Map();
      for (const pod of this.cniDaemonPods()) {
        const name = pod.spec?.nodeName;
        if (name !== undefined && !this.cniDaemonPodByNode.has(name)) this.cniDaemonPodByNode.set(name, pod);
      }
    }
    return this.cniDaemonPodByNode.get(node);
  }

  /**
   * Whether another pod on the node with an HTTP/TCP probe is Ready (node → pod traffic
   * demonstrably works). Asked once per probe failure, and there can be one per pod on
   * a busy node: the node's pods are counted once.
   */
  otherProbedPodReady(node: string, exceptPod: string | undefined): boolean {
    this.readyProbedPodsByNode ??= new Map();
    let counts = this.readyProbedPodsByNode.get(node);
    if (counts === undefined) {
      counts = { total: 0, byName: new Map() };
      for (const p of this.podsOnNode(node)) {
        if (p.spec?.hostNetwork || !isPodReady(p)) continue;
        if (!(p.spec?.containers ?? []).some((c) => c.readinessProbe?.httpGet ?? c.readinessProbe?.tcpSocket ?? c.livenessProbe?.httpGet ?? c.livenessProbe?.tcpSocket)) continue;
        const name = p.metadata?.name ?? '';
        counts.total++;
        counts.byName.set(name, (counts.byName.get(name) ?? 0) + 1);
      }
      this.readyProbedPodsByNode.set(node, counts);
    }
    return counts.total - (exceptPod === undefined ? 0 : counts.byName.get(exceptPod) ?? 0) > 0;
  }

  /** Pod address ranges known from nodes' podCIDRs and the cluster pod CIDR read from the cluster. */
  podSubnets(): string[] {
    if (this.podSubnetsMemo === undefined) {
      const fromNodes = this.snapshot.nodes.flatMap((n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []));
      const fromCluster = this.knownClusterPodCidr()?.split(',') ?? [];
      this.podSubnetsMemo = [...new Set([...fromCluster, ...fromNodes].map((c) => c.trim()).filter((c) => c !== ''))];
    }
    return this.podSubnetsMemo;
  }

  /** podSubnets() parsed, both families: rules ask per observation, so once. */
  podRanges(): Cidr[] {
    this.podRangesMemo ??= this.podSubnets().flatMap((c) => parseCidrList(c));
    return this.podRangesMemo;
  }

  /** serviceSubnet() parsed, both families. */
  serviceRanges(): Cidr[] {
    this.serviceRangesMemo ??= parseCidrList(this.serviceSubnet());
    return this.serviceRangesMemo;
  }

  /**
   * Service CIDR(s), comma-separated on dual-stack clusters: kubeadm-config, else the
   * apiserver's --service-cluster-ip-range, else kubeadm's default.
   */
  serviceSubnet(): string {
    this.serviceSubnetMemo ??= this.kubeadmNetworking().serviceSubnet?.trim()
      || this.snapshot.pods.filter(isApiServerPod).map((p) => podFlagValue(p, '--service-cluster-ip-range')?.trim()).find((v) => v)
      || kubeadmDefaultServiceSubnet;
    return this.serviceSubnetMemo;
  }

  /** `networking` of kubeadm's ClusterConfiguration, when kubeadm-config was readable. */
  kubeadmNetworking(): KubeadmNetworking {
    return parseKubeadmNetworking(this.kubeadmClusterConfiguration());
  }

  /** The cluster-wide pod CIDR: kubeadm-config, else the controller-manager's flag, else a guess from a node. */
  clusterPodCidr(): ClusterPodCidr | undefined {
    // Rules ask per observation; the answer needs a YAML parse and a pass over every pod, so once.
    this.clusterPodCidrMemo ??= [clusterPodCidr({
      kubeadmClusterConfiguration: this.kubeadmClusterConfiguration(),
      pods: this.snapshot.pods,
      nodePodCidr: this.snapshot.nodes.map((n) => n.spec?.podCIDR).find((c) => c),
    })];
    return this.clusterPodCidrMemo[0];
  }

  /** The cluster pod CIDR only when read from the cluster: a guess could call working rules broken. */
  knownClusterPodCidr(): string | undefined {
    const known = this.clusterPodCidr();
    return known && !known.source.startsWith('guessed') ? known.cidr : undefined;
  }

  private kubeadmClusterConfiguration(): string | undefined {
    return this.configMap('kube-system', 'kubeadm-config')?.data?.['ClusterConfiguration'];
  }

  configMap(namespace: string, name: string) {
    if (this.configMapsByKey === undefined) {
      this.configMapsByKey = new Map();
      for (const c of this.snapshot.configMaps) {
        const key = `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`;
        if (!this.configMapsByKey.has(key)) this.configMapsByKey.set(key, c);
      }
    }
    return this.configMapsByKey.get(`${namespace}/${name}`);
  }
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function isCniDaemonPodName(name: string): boolean {
  return cniDaemonNamePattern.test(name);
}

export function isCniDaemonPod(pod: V1Pod): boolean {
  return isCniAgent(pod.metadata?.name ?? '', pod.spec);
}

/**
 * An ip6tables failure on a cluster whose pod and service ranges are known and all IPv4 (a host without ip6table_nat):
 * the kubelet and kube-proxy retry it on every sync while no pod or service depends on it.
 */
export function isIpv6RuleFailureOnIpv4Cluster(text: string, view: ClusterView): boolean {
  if (!/\bip6tables\b/.test(text)) return false;
  const pods = view.podRanges();
  return pods.length > 0 && [...pods, ...view.serviceRanges()].every((range) => range.family === 'ipv4');
}

/** The cluster DNS pods (CoreDNS, or kube-dns before it): kubeadm's k8s-app=kube-dns label, else the names kubeadm gives them. */
export function isClusterDnsPod(pod: V1Pod | undefined, name = pod?.metadata?.name ?? ''): boolean {
  return pod?.metadata?.labels?.['k8s-app'] === 'kube-dns' || /^(?:coredns|kube-dns)-/.test(name);
}

/**
 * kube-dns, the cluster DNS before CoreDNS (kubeadm until 1.11): it has no loop plugin, and its kubedns container
 * exits when it cannot list services and endpoints from the API server through the kubernetes service.
 */
export function isLegacyKubeDns(pod: V1Pod | undefined, name = pod?.metadata?.name ?? ''): boolean {
  const containers = (pod?.spec?.containers ?? []).map((c) => c.name);
  // Some distributions name CoreDNS's Deployment kube-dns: its container says which it is.
  if (containers.includes('coredns')) return false;
  return containers.includes('kubedns') || /^kube-dns-/.test(name);
}

export function isCniDaemonSet(daemonSet: V1DaemonSet): boolean {
  return isCniAgent(daemonSet.metadata?.name ?? '', daemonSet.spec?.template.spec);
}

function isCniAgent(name: string, spec: V1PodSpec | undefined): boolean {
  if (isCniDaemonPodName(name)) return true;
  const mountsCniDirs = (spec?.volumes ?? []).some((v) => cniHostPaths.includes(v.hostPath?.path ?? ''));
  return mountsCniDirs && !name.startsWith('kube-proxy');
}

/** Container states that mean the container does not run (however young its pod), as opposed to "starting". */
export const brokenContainerState = /CrashLoopBackOff|Error|CreateContainer|RunContainerError|ImagePullBackOff|ErrImagePull|OOMKilled|InvalidImageName/;

/** Ready, a running container, or completed: the pod's sandbox exists (or existed and did its job). */
export function hasSandboxNow(pod: V1Pod): boolean {
  return isPodReady(pod) || pod.status?.phase === 'Succeeded' ||
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].some((c) => c.state?.running !== undefined);
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waiting / terminated reasons of the pod's containers, e.g. CrashLoopBackOff, ContainerCreating. */
export function containerProblems(pod: V1Pod): { container: string; reason: string; field: string }[] {
  const problems: { container: string; reason: string; field: string }[] = [];
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const field = `status.containerStatuses[${status.name}].state`;
    const waiting = status.state?.waiting?.reason;
    const terminated = status.state?.terminated;
    if (waiting) problems.push({ container: status.name, reason: waiting, field: `${field}.waiting.reason` });
    else if (terminated && terminated.exitCode !== 0) problems.push({ container: status.name, reason: terminated.reason ?? 'Error', field: `${field}.terminated.reason` });
  }
  return problems;
}

export function readyCondition(node: V1Node) {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The phrases a kubelet puts in Ready's message while the runtime has no loadable CNI config. */
export const networkNotReadyPattern =
  /NetworkPluginNotReady|network plugin is not ready|cni plugin not initialized|cni config uninitialized|cni config not initialized|no CNI configuration file in/i;

export function isNodeNetworkNotReady(node: V1Node): boolean {
  const ready = readyCondition(node);
  return ready?.status !== 'True' && networkNotReadyPattern.test(ready?.message ?? '');
}

export function nodeName(node: V1Node): string {
  return node.metadata?.name ?? '';
}
