import type { CatalogEntry } from './catalog-entry.js';
import { dnsLoopCommands } from '../next-commands.js';

/** coredns/coredns: what CoreDNS itself logs when the network it forwards over is wrong. */
const repo = 'coredns/coredns';
const daemonLog = 'kube-system/coredns-5d78c9869d-x2mzq/coredns';

export const corednsEntries: readonly CatalogEntry[] = [
  {
    id: 'coredns-loop-plugin',
    code: 'DNS_FORWARDING_LOOP', confidence: 0.95, emitter: 'daemon', daemonLog,
    source: { repo, file: 'plugin/loop/loop.go', format: 'Loop (%s -> %s) detected for zone %q, see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO %s"' },
    groups: ['from', 'to', 'zone'],
    examples: [['127.0.0.1:55953', ':53', '.', '4547991504243258144.3688648895315093531.'], ['[::1]:40517', ':53', '.', '2001810937426123460.8402348727618521931.']],
    explanation: 'CoreDNS on {node} forwards zone {zone} to an upstream that resolves back to CoreDNS itself (typically nameserver 127.0.0.53 or 127.0.1.1 in the node\'s /etc/resolv.conf), so its loop plugin stops it.',
    nextCommands: dnsLoopCommands,
  },
  {
    id: 'coredns-loop-plugin-v1.2',
    code: 'DNS_FORWARDING_LOOP', confidence: 0.95, emitter: 'daemon', daemonLog,
    source: { repo, file: 'plugin/loop/loop.go', ref: 'v1.2.2', format: 'Seen "HINFO IN %s" more than twice, loop detected' },
    examples: [['6900627972087569316.7905576541070882081.']],
    explanation: 'CoreDNS on {node} sees its own probe query come back: it forwards to an upstream that resolves back to CoreDNS itself (typically nameserver 127.0.0.53 or 127.0.1.1 in the node\'s /etc/resolv.conf), so its loop plugin stops it.',
    nextCommands: dnsLoopCommands,
  },
];
