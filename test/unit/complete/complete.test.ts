import { netcheckParser } from '../../../plugins/netcheck/command.js';
import { nsenterParser } from '../../../plugins/nsenter/command.js';
import { tapParser } from '../../../plugins/tap/command.js';
import { Directive, lookupCandidates, planCompletion, renderCompletion } from '../../../shared/complete/complete.js';
import { completionSpec } from '../../../shared/complete/spec.js';
import type { Argv } from 'yargs';

// The plans come from the plugins' real yargs definitions, so a flag added
// there shows up here with no list to keep.
const spec = (parser: (argv: string[]) => unknown) => completionSpec(parser([]) as Argv<unknown>);
const netcheck = spec(netcheckParser);
const nsenter = spec(nsenterParser);
const tap = spec(tapParser);

const values = (plan: ReturnType<typeof planCompletion>) => (plan.kind === 'static' ? plan.candidates.map((c) => c.value) : plan);

describe('completion plans from the yargs definitions', () => {
  it('reads every flag with its aliases, enum values and whether it takes a value', () => {
    const container = nsenter.flags.find((f) => f.name === 'container');
    expect(container).toMatchObject({ aliases: ['c'], noValue: false });
    expect(tap.flags.find((f) => f.name === 'mirrortype')?.choices).toEqual(['ingress', 'egress', 'both']);
    expect(nsenter.flags.find((f) => f.name === 'tty')).toMatchObject({ aliases: ['t'], noValue: true });
    expect(netcheck.flags.find((f) => f.name === 'color')).toMatchObject({ negatable: true });
    expect(nsenter.positionals).toEqual(['pod']);
    expect(netcheck.commands.map((c) => [c.name, c.positionals])).toEqual([['iptables', ['node']], ['helpers', []], ['completion', ['action', 'dir']]]);
  });

  it('lists long flags with descriptions; short ones after a single dash', () => {
    const plan = planCompletion(nsenter, ['--i']);
    expect(plan).toMatchObject({ kind: 'static', directive: Directive.noFileComp });
    expect(values(plan)).toEqual(['--insecure-skip-host-key-check', '--image', '--image-pull-secret', '--ifaces', '--interactive']);
    expect(values(planCompletion(nsenter, ['-']))).toEqual(expect.arrayContaining(['-c', '-n', '-i', '-t', '--container']));
    expect(values(planCompletion(netcheck, ['--no']))).toEqual(['--no-color', '--node-address-type', '--node-address']);
  });

  it('completes enum values after the flag, or after --flag=', () => {
    expect(values(planCompletion(tap, ['--mirrortype', 'e']))).toEqual(['egress']);
    expect(values(planCompletion(tap, ['--mirrortype=']))).toEqual(['--mirrortype=ingress', '--mirrortype=egress', '--mirrortype=both']);
    expect(values(planCompletion(netcheck, ['-o', '']))).toEqual(['text', 'json', 'yaml']);
    expect(values(planCompletion(nsenter, ['--node-address-type', '']))).toEqual(['InternalIP', 'ExternalIP', 'Hostname']);
  });

  it('looks up pods for the pod positional, in the namespace and context typed so far', () => {
    expect(planCompletion(tap, ['-n', 'shop', '--context=lab', 'we'])).toEqual({
      kind: 'lookup', source: 'pods', prefix: 'we', valuePrefix: '', scope: { namespace: 'shop', context: 'lab' },
    });
    expect(planCompletion(nsenter, ['-it', '--namespace', 'x', ''])).toMatchObject({ kind: 'lookup', source: 'pods', scope: { namespace: 'x' } });
  });

  it('looks up nodes for --dest and iptables NODE, containers of the typed pod for -c', () => {
    expect(planCompletion(tap, ['web-0', '--dest', ''])).toMatchObject({ kind: 'lookup', source: 'nodes' });
    expect(planCompletion(tap, ['web-0', '--dest=kube'])).toMatchObject({ kind: 'lookup', source: 'nodes', prefix: 'kube', valuePrefix: '--dest=' });
    expect(planCompletion(netcheck, ['iptables', ''])).toMatchObject({ kind: 'lookup', source: 'nodes' });
    expect(planCompletion(nsenter, ['-n', 'shop', 'web-0', '-c', ''])).toMatchObject({ kind: 'lookup', source: 'containers', scope: { namespace: 'shop', pod: 'web-0' } });
    // No pod typed yet: no container to look up.
    expect(planCompletion(nsenter, ['-c', ''])).toEqual({ kind: 'static', candidates: [], directive: Directive.noFileComp });
    expect(planCompletion(nsenter, ['--context', ''])).toMatchObject({ kind: 'lookup', source: 'contexts' });
  });

  it('offers netcheck\'s subcommands first, then nothing more once the positionals are filled', () => {
    expect(values(planCompletion(netcheck, ['']))).toEqual(['iptables', 'helpers', 'completion']);
    expect(values(planCompletion(netcheck, ['completion', '']))).toEqual(['install']);
    expect(planCompletion(netcheck, ['completion', 'install', ''])).toEqual({ kind: 'static', candidates: [], directive: Directive.filterDirs });
    expect(values(planCompletion(nsenter, ['web-0', '']))).toEqual([]);
  });

  it('leaves files to the shell for file flags and after nsenter\'s --', () => {
    expect(planCompletion(tap, ['web-0', '--capture', ''])).toEqual({ kind: 'static', candidates: [], directive: Directive.default });
    expect(planCompletion(netcheck, ['--dump', ''])).toEqual({ kind: 'static', candidates: [], directive: Directive.filterDirs });
    expect(planCompletion(nsenter, ['web-0', '--', 'ip', ''])).toEqual({ kind: 'static', candidates: [], directive: Directive.default });
  });

  it('a boolean flag takes no value: the next word is a positional again', () => {
    expect(planCompletion(nsenter, ['--ifaces', ''])).toMatchObject({ kind: 'lookup', source: 'pods' });
  });
});

describe('the __complete answer', () => {
  it('is one candidate a line with a tab before the description, then :directive', () => {
    expect(renderCompletion([{ value: '--dest', description: 'Node that\treceives\nit' }, { value: 'web-0' }], 4)).toBe('--dest\tNode that receives it\nweb-0\n:4\n');
    expect(renderCompletion([], 4)).toBe(':4\n');
  });

  it('filters looked-up names by the prefix, sorted and without duplicates', () => {
    expect(lookupCandidates(['web-1', 'db-0', 'web-0', 'web-0'], 'web', '--dest=')).toEqual([{ value: '--dest=web-0' }, { value: '--dest=web-1' }]);
  });
});
