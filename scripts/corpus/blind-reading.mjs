#!/usr/bin/env node
// Blind readings of the corpus: how often an experienced operator names the established cause from a
// case's evidence alone (what netcheck gets to see), to set netcheck's accuracy against the evidence's
// own limit. Readers see neither the id (ids name causes), the thread, nor the answer; cases of dev and
// held-out are shuffled together, so a reader cannot tell which set a case is in.
//   node scripts/corpus/blind-reading.mjs prepare DIR [--salt S] [--chunks N] [--unread]
//       (--unread: only the cases blind-readings.jsonl has no reading of yet) writes DIR/cases-K.jsonl (stripped, shuffled), DIR/PROMPT.md (the readers' instructions) and
//       DIR/private/map.json (key -> id; readers are told not to open it)
//   node scripts/corpus/blind-reading.mjs collect DIR --pass NAME [--force]
//       reads DIR/answers-K.jsonl and records them under NAME: dev cases in test/fixtures/corpus/blind-readings.jsonl,
//       held-out cases in blind-readings.held-out.jsonl (held-out material: ids name causes, never read while tuning).
//       An existing reading of the same pass is replaced only with --force.
// Whoever runs `prepare` writes held-out evidence into DIR: let the readers run it, or delete DIR before tuning rules.
// bench:accuracy prints the readers' figures next to netcheck's (test/fixtures/corpus/README.md).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const corpusDir = new URL('../../test/fixtures/corpus/', import.meta.url).pathname;
const readingsFiles = { dev: path.join(corpusDir, 'blind-readings.jsonl'), heldOut: path.join(corpusDir, 'blind-readings.held-out.jsonl') };
const decidabilities = ['clear', 'likely', 'insufficient'];
const causes = ['cni-not-installed', 'cni-binary-missing', 'cni-config-invalid', 'cni-daemon-not-running', 'subnet-env-missing',
  'bridge-ip-conflict', 'ipam-exhausted', 'podcidr-not-assigned', 'probe-network-unreachable', 'kube-proxy/iptables',
  'br_netfilter/sysctl', 'mtu', 'dns-loop', 'other'];

const readJsonl = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const readIfThere = (file) => (existsSync(file) ? readJsonl(file) : []);
const option = (args, name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 2)[1] : fallback; };

const [command, ...args] = process.argv.slice(2);
try {
  if (command === 'prepare') prepare(args);
  else if (command === 'collect') collect(args);
  else { console.error('usage: blind-reading.mjs prepare DIR [--salt S] [--chunks N] [--unread] | collect DIR --pass NAME [--force]'); process.exit(2); }
} catch (error) {
  console.error(`blind-reading: ${error.message}`);
  process.exit(1);
}

function prepare(args) {
  const salt = option(args, '--salt', 'blind');
  const chunks = Number(option(args, '--chunks', '3'));
  const unreadOnly = args.includes('--unread');
  const [dir] = args.filter((a) => a !== '--unread');
  if (!dir || !Number.isInteger(chunks) || chunks < 1) throw new Error('prepare DIR [--salt S] [--chunks N]');
  const read = new Set(unreadOnly ? Object.values(readingsFiles).flatMap(readIfThere).map((r) => r.id) : []);
  const cases = ['dev.jsonl', 'held-out.jsonl'].flatMap((f) => readIfThere(path.join(corpusDir, f))).filter((c) => !read.has(c.id));
  const order = (c) => createHash('sha256').update(`${salt}${c.id}`).digest('hex');
  cases.sort((a, b) => order(a).localeCompare(order(b)));
  const map = [];
  const parts = Array.from({ length: chunks }, () => []);
  cases.forEach((c, i) => {
    const key = `r${String(i + 1).padStart(3, '0')}`;
    map.push({ key, id: c.id });
    parts[i % chunks].push(JSON.stringify({ key, cni: c.cni ?? null, runtime: c.runtime ?? null, k8s_version: c.k8s_version ?? null, evidence: c.evidence }));
  });
  mkdirSync(path.join(dir, 'private'), { recursive: true });
  writeFileSync(path.join(dir, 'private', 'map.json'), JSON.stringify(map));
  parts.forEach((p, i) => writeFileSync(path.join(dir, `cases-${i + 1}.jsonl`), `${p.join('\n')}\n`));
  writeFileSync(path.join(dir, 'PROMPT.md'), prompt(path.resolve(dir)));
  console.log(`${cases.length} cases in ${chunks} files under ${dir}; give each reader ${path.join(dir, 'PROMPT.md')} with its K`);
}

function collect(args) {
  const pass = option(args, '--pass', undefined);
  const force = args.includes('--force');
  const [dir] = args.filter((a) => a !== '--force');
  if (!dir || !pass) throw new Error('collect DIR --pass NAME [--force]');
  const idOf = new Map(JSON.parse(readFileSync(path.join(dir, 'private', 'map.json'), 'utf8')).map((m) => [m.key, m.id]));
  const devIds = new Set(readIfThere(path.join(corpusDir, 'dev.jsonl')).map((c) => c.id));
  const readings = new Map(Object.values(readingsFiles).flatMap(readIfThere).map((r) => [r.id, r]));
  const answered = new Set();
  for (let k = 1; existsSync(path.join(dir, `answers-${k}.jsonl`)); k++) {
    for (const answer of readJsonl(path.join(dir, `answers-${k}.jsonl`))) {
      const id = idOf.get(answer.key);
      if (!id) throw new Error(`answers-${k}.jsonl: unknown key ${answer.key}`);
      if (answered.has(answer.key)) throw new Error(`answers-${k}.jsonl: ${answer.key} answered twice`);
      if (!causes.includes(answer.class)) throw new Error(`answers-${k}.jsonl: ${answer.key}: unknown class ${answer.class}`);
      if (!decidabilities.includes(answer.decidable)) throw new Error(`answers-${k}.jsonl: ${answer.key}: decidable must be one of ${decidabilities.join(', ')}`);
      const entry = readings.get(id) ?? { id, readings: {} };
      if (entry.readings[pass] && !force) throw new Error(`${id} already has a reading "${pass}": use another --pass name, or --force to replace it`);
      entry.readings[pass] = { class: answer.class, decidable: answer.decidable };
      readings.set(id, entry);
      answered.add(answer.key);
    }
  }
  const unanswered = [...idOf.keys()].filter((key) => !answered.has(key));
  if (unanswered.length > 0) throw new Error(`no answer for ${unanswered.length} of ${idOf.size} cases (${unanswered.slice(0, 5).join(', ')} ...): every case needs one`);
  const sorted = [...readings.values()].sort((a, b) => a.id.localeCompare(b.id));
  const write = (file, rows) => writeFileSync(file, rows.length === 0 ? '' : `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  write(readingsFiles.dev, sorted.filter((r) => devIds.has(r.id)));
  write(readingsFiles.heldOut, sorted.filter((r) => !devIds.has(r.id)));
  console.log(`${answered.size} readings recorded as pass "${pass}" (dev: ${path.basename(readingsFiles.dev)}, held-out: ${path.basename(readingsFiles.heldOut)})`);
}

function prompt(dir) {
  return `You are an experienced Kubernetes operator doing a blind diagnosis exercise. Work only with the files named here.

Input: ${dir}/cases-K.jsonl (K given to you). Each line is one real failure report from a public issue thread, reduced to what an operator could see on the cluster: \`key\`, \`cni\`, \`runtime\`, \`k8s_version\`, and \`evidence\` { node_conditions[], events[], pod_status[], logs[] } (text copied verbatim from the thread; often short or cut off). The thread's conclusion is NOT included.

For every case, decide from the evidence (and the cni/runtime/version fields) which ONE root-cause class is most likely, as an operator would who sees only this evidence. Classes:
- cni-not-installed: no CNI config/plugin installed yet (no network add-on applied, /etc/cni/net.d empty)
- cni-binary-missing: a CNI plugin binary is missing from /opt/cni/bin (or the configured bin dir)
- cni-config-invalid: a CNI config file exists but is wrong (bad JSON, wrong cniVersion, wrong field, leftover/conflicting config, wrong file)
- cni-daemon-not-running: the CNI agent (flannel, calico-node, cilium-agent, weave ...) is not running/ready, crash-looping, or failing for its own reason
- subnet-env-missing: flannel's /run/flannel/subnet.env missing
- bridge-ip-conflict: the bridge (cni0/docker0) already has a different address than the new pod subnet
- ipam-exhausted: IP address pool/range exhausted, or leaked IPAM allocations
- podcidr-not-assigned: the node has no podCIDR (controller-manager not allocating node CIDRs, --pod-network-cidr missing, CIDR mismatch)
- probe-network-unreachable: pods run but cannot reach other pods/nodes over the pod network (probes time out, cross-node traffic dropped, firewall/forward drop, vxlan/overlay broken)
- kube-proxy/iptables: service IPs (ClusterIP, 10.96.0.1) unreachable because kube-proxy / iptables rules / iptables backend (legacy vs nft) are broken
- br_netfilter/sysctl: kernel settings: br_netfilter not loaded, net.bridge.bridge-nf-call-iptables, ip_forward, rp_filter, conntrack settings
- mtu: MTU mismatch / overhead (large packets dropped, TLS hangs, vxlan/wireguard/ipip overhead)
- dns-loop: CoreDNS forwarding loop (loop plugin, /etc/resolv.conf pointing at 127.0.0.53 ...)
- other: not a container-network fault at all, or a plugin bug, credentials/RBAC error, or something none of the above covers

Rules:
- Do NOT search the web, issues or code, and do not read any other file (in particular nothing under ${dir}/private, the project's corpus, or other cases-*.jsonl). This is a test of what the evidence alone shows.
- Be quick: about 20-40 seconds of thought per case. Take the case's evidence at face value.
- Also say how decidable the case is from its evidence alone: "clear" (an operator would name this class with confidence), "likely" (best guess, other classes plausible), "insufficient" (the evidence barely shows anything specific).

Output: write ${dir}/answers-K.jsonl, one line per case in input order: {"key":"r001","class":"...","decidable":"clear|likely|insufficient"}. Every key must appear exactly once; class must be one of the 14 names exactly. Write the file incrementally (append as you go) so partial work survives. When finished, reply with just "done K: <count> answers".
`;
}
