import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError, UsageError } from '../cli/errors.js';
import { type ContainerRef, parseContainerId } from './container-ref.js';

/** The container whose namespaces nsenter will enter, and why that one. */
export interface PickedContainer {
  /** "namespace/name", for messages. */
  pod: string;
  podUid?: string;
  node?: string;
  /** The container asked for (-c) or defaulted to. */
  requested: string;
  /** The container whose ID is used: `requested`, or a sibling when that one is not running. */
  container: string;
  ref: ContainerRef;
  /** `running`: a live process; `last-run`: the ID of an exited run, whose process is likely gone. */
  state: 'running' | 'last-run';
  hostNetwork: boolean;
  /** Set whenever the choice is not the obvious one, to be shown to the user. */
  note?: string;
}

// kubectl honours this annotation for exec/logs; nsenter should land in the same container.
const defaultContainerAnnotation = 'kubectl.kubernetes.io/default-container';

function podLabel(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? '?'}`;
}

function allStatuses(pod: V1Pod): V1ContainerStatus[] {
  const status = pod.status;
  return [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])];
}

function requestedName(pod: V1Pod, container: string | undefined): string {
  const specNames = [
    ...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? []),
  ].map((c) => c.name);
  // Like kubectl, an annotation naming a container that does not exist falls back to the first one.
  const annotated = pod.metadata?.annotations?.[defaultContainerAnnotation];
  const wanted = container ?? (annotated !== undefined && specNames.includes(annotated) ? annotated : pod.spec?.containers[0]?.name);
  if (wanted !== undefined && specNames.includes(wanted)) return wanted;
  if (container === undefined && wanted === undefined) {
    throw new PluginError(`pod ${podLabel(pod)} has no containers in its spec`, ExitCode.couldNotCheck);
  }
  throw new UsageError(`pod ${podLabel(pod)} has no container "${wanted ?? ''}"`, `choose one of: ${specNames.join(', ')}`);
}

function waitingWhy(status: V1ContainerStatus | undefined): string {
  const waiting = status?.state?.waiting?.reason;
  const terminated = status?.state?.terminated?.reason;
  return waiting ?? (terminated === undefined ? 'not running' : `terminated: ${terminated}`);
}

/**
 * Picks the container to enter, for `-c NAME` or the default container. All
 * containers of a pod share its network namespace (held by the sandbox), so
 * when the requested one is crash-looping or not started any live sibling is
 * as good for `-n`; only when none is running do we fall back to the last run's
 * ID (the PID lookup then probably fails, and the note says why).
 */
export function pickContainer(pod: V1Pod, container?: string): PickedContainer {
  const requested = requestedName(pod, container);
  const statuses = allStatuses(pod);
  const base = {
    pod: podLabel(pod), podUid: pod.metadata?.uid, node: pod.spec?.nodeName, requested,
    hostNetwork: pod.spec?.hostNetwork === true,
  };
  const hostNote = base.hostNetwork ? 'the pod uses the host network, so its network namespace is the node\'s own' : undefined;
  const withNotes = (picked: PickedContainer, ...notes: Array<string | undefined>): PickedContainer => {
    const note = notes.filter((n) => n !== undefined).join('; ');
    return note === '' ? picked : { ...picked, note };
  };

  const own = statuses.find((s) => s.name === requested);
  if (own?.state?.running !== undefined && own.containerID) {
    return withNotes({ ...base, container: requested, ref: parseContainerId(own.containerID), state: 'running' }, hostNote);
  }

  const why = `container ${requested} is ${waitingWhy(own)}`;
  const sibling = statuses.find((s) => s.state?.running !== undefined && s.containerID);
  if (sibling?.containerID) {
    return withNotes(
      { ...base, container: sibling.name, ref: parseContainerId(sibling.containerID), state: 'running' },
      `${why}; using container ${sibling.name}, which shares the pod's network namespace`, hostNote,
    );
  }

  const lastId = own?.containerID || own?.lastState?.terminated?.containerID;
  const anyLast = statuses.find((s) => s.containerID || s.lastState?.terminated?.containerID);
  const fallbackId = lastId || anyLast?.containerID || anyLast?.lastState?.terminated?.containerID;
  const phase = pod.status?.phase ?? 'Unknown';
  if (!fallbackId) {
    throw new PluginError(
      `pod ${base.pod} has no started container (phase ${phase}); its sandbox may still be creating`,
      ExitCode.couldNotCheck,
      `see why with kubectl describe pod -n ${pod.metadata?.namespace ?? 'default'} ${pod.metadata?.name ?? ''} ` +
        '(image pulls, CNI "failed to setup network" events); run netcheck for CNI problems, then try again',
    );
  }
  const fallbackName = lastId ? requested : (anyLast?.name ?? requested);
  return withNotes(
    { ...base, container: fallbackName, ref: parseContainerId(fallbackId), state: 'last-run' },
    `${why} and no container of the pod is running (phase ${phase}); trying the last run of ${fallbackName}, ` +
      'whose process has probably exited — the pod sandbox may still hold the network namespace',
    hostNote,
  );
}
