import yaml from 'js-yaml';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { renderJson, renderText, renderYaml } from '../../../shared/diagnose/render.js';
import type { Diagnosis } from '../../../shared/diagnose/types.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';

const caseA = async () => diagnose(await readDump(new URL('../../fixtures/dumps/case-a-flannel-missing', import.meta.url).pathname));

describe('renderText', () => {
  it('starts with the two status lines, then the findings', async () => {
    const text = renderText(await caseA(), { color: false });
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Host network => OK', 'Container network => NG (case-a)']);
    expect(text).toContain('1. CNI_PLUGIN_BINARY_MISSING  high (0.92)  CNI plugin binary missing');
    expect(text).toContain('   evidence: Pod kube-system/coredns-74ff55c5b-8xq2w events[FailedCreatePodSandBox].message');
    expect(text).toContain('     $ ssh node-2 ls -l /opt/cni/bin');
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('lists host reasons and what could not be read', () => {
    const diagnosis: Diagnosis = {
      hostNetwork: { status: 'NG', reasons: ['the kubelet on node-2 stopped posting node status (Kubelet stopped posting node status.)'] },
      containerNetwork: { status: 'NG', step: 'unknown' },
      findings: [],
      unreadable: [{ what: 'nodes/node-2 over SSH', reason: 'connection timed out' }],
      history: [],
    };
    expect(renderText(diagnosis, { color: false })).toBe([
      'Host network => NG',
      'Container network => NG (unknown)',
      '  - the kubelet on node-2 stopped posting node status (Kubelet stopped posting node status.)',
      '',
      'No findings.',
      '',
      'Could not read:',
      '  - nodes/node-2 over SSH: connection timed out',
      '',
    ].join('\n'));
  });

  it('colours the statuses when asked', async () => {
    expect(renderText(await caseA(), { color: true }).split('\n')[0]).toBe('Host network => \x1b[32mOK\x1b[0m');
  });

  it('cuts long evidence in the middle, keeping the end where the cause is', async () => {
    const text = renderText(await caseA(), { color: false, maxEvidenceChars: 80 });
    expect(text).toMatch(/"Failed to create pod sandb…ailed to find plugin \\"flannel\\" in path \[\/opt\/cni\/bin\]"/);
  });
});

describe('renderJson / renderYaml', () => {
  it('write the documented report with title and confidence label', async () => {
    const report = JSON.parse(renderJson(await caseA()));
    expect(report).toMatchObject({ apiVersion: 'netcheck/v1', kind: 'Diagnosis', containerNetwork: { status: 'NG', step: 'case-a' } });
    expect(report.findings[0]).toMatchObject({ code: 'CNI_PLUGIN_BINARY_MISSING', confidenceLabel: 'high', title: 'CNI plugin binary missing' });
    expect(yaml.load(renderYaml(await caseA()))).toEqual(report);
  });
});
