import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { renderPlan, revertsOf } from '../../../shared/plan/plan.js';
import { quoteArgv } from '../../../shared/ssh/quote.js';
import { deadManArgv, teardownScript } from '../../../plugins/tap/dead-man.js';
import { parseTapLabel, planDest, planSource, tapLabel, teardownFromLabel, vethHooks, type TapSpec } from '../../../plugins/tap/plan.js';
import { freePref, hasClsact, usedPrefs } from '../../../plugins/tap/tc-json.js';
import { tapsInLinks } from '../../../plugins/tap/list.js';
import { validateTapArgs } from '../../../plugins/tap/validate.js';
import { tap, type TapArgs } from '../../../plugins/tap/command.js';

const fixture = (name: string) => fs.readFileSync(new URL(`../../fixtures/tc/${name}`, import.meta.url), 'utf8');

const spec: TapSpec = {
  pod: 'default/web-0', vni: 4242, port: 4789, ifname: 'ntap4242', direction: 'both', pref: 49152,
  source: { node: 'kube-node-1', address: '172.30.99.11', underlay: 'eth0', hostIface: 'veth1a2b3c4d', clsactExists: false },
  dest: { node: 'kube-node-2', address: '172.30.99.12', underlay: 'eth0' },
};

describe('planSource', () => {
  it('adds the vxlan device, a clsact qdisc, and one mirred filter per hook, each with its revert', () => {
    const plan = planSource(spec);
    expect(plan.node).toBe('kube-node-1');
    expect(plan.steps.map((s) => s.apply)).toEqual([
      ['ip', 'link', 'add', 'ntap4242', 'type', 'vxlan', 'id', '4242', 'remote', '172.30.99.12', 'dstport', '4789', 'dev', 'eth0'],
      ['ip', 'link', 'set', 'dev', 'ntap4242', 'alias', 'kubectl-tap:v1 pod=default/web-0 role=source peer=kube-node-2 veth=veth1a2b3c4d pref=49152 clsact=ours hooks=ingress,egress'],
      ['ip', 'link', 'set', 'dev', 'ntap4242', 'up'],
      ['tc', 'qdisc', 'add', 'dev', 'veth1a2b3c4d', 'clsact'],
      ['tc', 'filter', 'add', 'dev', 'veth1a2b3c4d', 'ingress', 'pref', '49152', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'mirror', 'dev', 'ntap4242'],
      ['tc', 'filter', 'add', 'dev', 'veth1a2b3c4d', 'egress', 'pref', '49152', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'mirror', 'dev', 'ntap4242'],
    ]);
    expect(revertsOf(plan.steps)).toEqual([
      ['tc', 'filter', 'del', 'dev', 'veth1a2b3c4d', 'egress', 'pref', '49152'],
      ['tc', 'filter', 'del', 'dev', 'veth1a2b3c4d', 'ingress', 'pref', '49152'],
      ['tc', 'qdisc', 'del', 'dev', 'veth1a2b3c4d', 'clsact'],
      ['ip', 'link', 'del', 'ntap4242'],
    ]);
  });

  it('reuses an existing clsact qdisc and never deletes it', () => {
    const plan = planSource({ ...spec, source: { ...spec.source, clsactExists: true } });
    expect(plan.steps.some((s) => s.apply[1] === 'qdisc')).toBe(false);
    expect(revertsOf(plan.steps).some((argv) => argv[1] === 'qdisc')).toBe(false);
  });

  it.each([
    ['egress', ['ingress']],
    ['ingress', ['egress']],
    ['both', ['ingress', 'egress']],
  ] as const)('pod %s traffic is mirrored at the host veth %j hook', (direction, hooks) => {
    expect(vethHooks(direction)).toEqual(hooks);
    expect(planSource({ ...spec, direction }).steps.filter((s) => s.apply[1] === 'filter').map((s) => s.apply[5])).toEqual(hooks);
  });
});

describe('planDest', () => {
  it('is the matching vxlan device pointing back at the source, up', () => {
    expect(planDest(spec).steps.map((s) => s.apply)).toEqual([
      ['ip', 'link', 'add', 'ntap4242', 'type', 'vxlan', 'id', '4242', 'remote', '172.30.99.11', 'dstport', '4789', 'dev', 'eth0'],
      ['ip', 'link', 'set', 'dev', 'ntap4242', 'alias', 'kubectl-tap:v1 pod=default/web-0 role=dest peer=kube-node-1'],
      ['ip', 'link', 'set', 'dev', 'ntap4242', 'up'],
    ]);
  });
});

describe('labels', () => {
  it('round-trip: what --delete reads back undoes exactly what the plan did', () => {
    const label = parseTapLabel(tapLabel(spec, 'source'))!;
    expect(teardownFromLabel('ntap4242', label)).toEqual(revertsOf(planSource(spec).steps));
    expect(teardownFromLabel('ntap4242', parseTapLabel(tapLabel(spec, 'dest'))!)).toEqual(revertsOf(planDest(spec).steps));
  });

  it('ignores aliases that are not ours', () => {
    expect(parseTapLabel('uplink to rack 3')).toBeUndefined();
    expect(parseTapLabel(undefined)).toBeUndefined();
  });

  it('finds taps in ip -j -d link show type vxlan', () => {
    const json = JSON.stringify([
      { ifname: 'flannel.1', ifalias: undefined },
      { ifname: 'ntap4242', ifalias: tapLabel(spec, 'dest') },
    ]);
    expect(tapsInLinks('kube-node-2', json)).toEqual([{ node: 'kube-node-2', ifname: 'ntap4242', label: { pod: 'default/web-0', role: 'dest', peer: 'kube-node-1' } }]);
  });
});

describe('tc -j readers (recorded iproute2 6.1 output)', () => {
  it('sees an existing clsact qdisc', () => {
    expect(hasClsact(fixture('qdisc-show-clsact.json'))).toBe(true);
    expect(hasClsact(fixture('qdisc-show-noqueue.json'))).toBe(false);
  });

  it('picks a filter preference nobody uses', () => {
    const used = usedPrefs(fixture('filter-show-ingress-mirred.json'));
    expect([...used]).toEqual([49152]);
    expect(freePref(used)).toBe(49153);
    expect(freePref(usedPrefs(fixture('filter-show-empty.json')))).toBe(49152);
  });
});

describe('dead-man', () => {
  it('passes the teardown as one argument, every command quoted by quoteArgv', () => {
    const argv = deadManArgv([['ip', 'link', 'del', 'ntap4242'], ['tc', 'filter', 'del', 'dev', "veth'x", 'ingress', 'pref', '49152']]);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[4]).toBe("ip link del ntap4242 2>/dev/null; tc filter del dev 'veth'\\''x' ingress pref 49152 2>/dev/null; true");
  });

  it('tears down when stdin closes, and not before (run for real with sh)', () => {
    const marker = `/tmp/netcheck-deadman-${process.pid}`;
    fs.rmSync(marker, { force: true });
    const [sh, flag, script, name] = deadManArgv([['touch', marker]]);
    // stdin: two heartbeats then EOF
    execFileSync(sh!, [flag!, script!, name!, teardownScript([['touch', marker]])], { input: '..' });
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker, { force: true });
  });
});

describe('validateTapArgs', () => {
  const parse = async (argv: string[]) => (await tap.parse(argv)) as TapArgs;
  it.each([
    ['tap', 'which pod?'],
    ['tap web-0', 'exactly one of --dest NODE or --dest-ip IP'],
    ['tap web-0 --dest a --dest-ip 10.0.0.1', 'exactly one of --dest NODE or --dest-ip IP'],
    ['tap web-0 --dest a --vxlan-id 0', '--vxlan-id must be 1..16777215, got 0'],
    ['tap web-0 --dest a --vxlan-id x', '--vxlan-id must be 1..16777215, got NaN'],
    ['tap web-0 --dest a --vxlan-port 70000', '--vxlan-port must be 1..65535, got 70000'],
    ['tap web-0 --dest-ip 10.0.0.9 --capture out.pcap', '--capture needs --dest'],
    ['tap web-0 --dest a --capture - --detach', 'cannot be combined with --detach'],
  ])('%s', async (line, message) => {
    const args = await parse(line.split(' ').slice(1));
    expect(() => validateTapArgs(args)).toThrow(message);
  });

  it('accepts --list without a pod', async () => {
    expect(() => validateTapArgs({ list: true } as TapArgs)).not.toThrow();
  });
});

it('renderPlan prints one quoted argv per line, then the teardown', () => {
  const text = renderPlan(planDest(spec), quoteArgv);
  expect(text.split('\n')[0]).toBe('# on node kube-node-2');
  expect(text).toContain("ip link set dev ntap4242 alias 'kubectl-tap:v1 pod=default/web-0 role=dest peer=kube-node-1'");
  expect(text.trim().split('\n').at(-1)).toBe('ip link del ntap4242');
});

it('--capture - means stdout (yargs alone would call "-" a stray argument)', async () => {
  const args = (await tap.parse(['web-0', '--dest', 'kube-node-2', '--capture', '-'])) as TapArgs;
  expect(args.capture).toBe('-');
  expect(args.pod).toBe('web-0');
});
