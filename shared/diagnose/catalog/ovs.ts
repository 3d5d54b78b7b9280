import type { CatalogEntry } from './catalog-entry.js';

/**
 * openvswitch/ovs: the Open vSwitch daemons that antrea (antrea-ovs container), kube-ovn and
 * ovn-kubernetes run on every node. While they do not run, those CNIs give pods no network.
 */
const repo = 'openvswitch/ovs';
const daemonLog = 'kube-system/antrea-agent-7dx4k/antrea-ovs';
const ovsCommands = ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | grep -Ei "antrea|ovn|ovs"', 'kubectl logs -n {namespace} {podName} --all-containers --previous --tail=50', 'ssh {node} ls -l /var/run/openvswitch/'];

export const ovsEntries: readonly CatalogEntry[] = [
  {
    id: 'ovs-stale-pidfile',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.84, emitter: 'daemon', daemonLog,
    source: { repo, file: 'lib/daemon-unix.c', format: '%s: pidfile check failed (%s), aborting' },
    groups: ['pidfile'],
    examples: [['/var/run/openvswitch/ovsdb-server.pid', 'No such process']],
    explanation: 'An Open vSwitch daemon on {node} refuses to start because of the pid file {pidfile} left by an instance that died (OOM kill, node crash); the CNI\'s OVS container keeps restarting and pods there get no network until the stale file is removed.',
    nextCommands: ['ssh {node} ls -l /var/run/openvswitch/*.pid', 'kubectl delete pod -n {namespace} {podName}   # a fresh pod starts with a clean run directory', ...ovsCommands.slice(0, 1)],
  },
  {
    id: 'ovs-database-connection-failed',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.78, emitter: 'daemon', daemonLog,
    source: { repo, file: 'utilities/ovs-vsctl.c', format: '%s: database connection failed (%s)' },
    groups: ['database'],
    examples: [['unix:/var/run/openvswitch/db.sock', 'No such file or directory'], ['unix:/var/run/openvswitch/db.sock', 'Connection refused']],
    explanation: 'ovsdb-server does not answer on {database} on {node}: the CNI\'s Open vSwitch database is not running there, so the agent cannot program the switch and pods get no network.',
    nextCommands: ovsCommands,
  },
];
