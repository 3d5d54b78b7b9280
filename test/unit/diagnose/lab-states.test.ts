import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';

/** The states a real kubelet v1.20.2 + containerd 1.6.20 showed in the lab (test/fixtures/dumps/README.md). */
const dump = (name: string) => readDump(new URL(`../../fixtures/dumps/${name}`, import.meta.url).pathname);

describe('diagnose on the lab states', () => {
  it('step 1, no CNI config: waiting-for-cni, CNI_NOT_INSTALLED', async () => {
    const diagnosis = diagnose(await dump('step1-no-cni'));
    expect(diagnosis.hostNetwork).toEqual({ status: 'OK', reasons: [] });
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'waiting-for-cni' });
    expect(diagnosis.findings[0]).toMatchObject({ code: 'CNI_NOT_INSTALLED' });
    expect(diagnosis.findings[0]?.evidence).toContainEqual({
      object: 'Node node-1', field: 'status.conditions[Ready].message',
      text: 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
    });
  });

  it('case A, config names a missing plugin: case-a, CNI_PLUGIN_BINARY_MISSING from the sandbox event', async () => {
    const diagnosis = diagnose(await dump('case-a-flannel-missing'));
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    const [top] = diagnosis.findings;
    expect(top?.code).toBe('CNI_PLUGIN_BINARY_MISSING');
    expect(top?.evidence[0]).toMatchObject({ object: 'Pod kube-system/coredns-74ff55c5b-8xq2w', field: 'events[FailedCreatePodSandBox].message' });
    expect(top?.explanation).toContain('"flannel"');
    expect(top?.nextCommands[0]).toBe('ssh node-2 ls -l /opt/cni/bin');
  });

  it('case A, invalid JSON conflist: same condition as step 1, the containerd log makes it CNI_CONFIG_INVALID', async () => {
    const snapshot = await dump('case-a-invalid-conflist');
    const diagnosis = diagnose(snapshot);
    expect(diagnosis.containerNetwork.step).toBe('waiting-for-cni');
    expect(diagnosis.findings[0]?.code).toBe('CNI_CONFIG_INVALID');
    expect(diagnosis.findings[0]?.evidence.map((e) => e.field)).toEqual(expect.arrayContaining(['cni-net.d/10-bridge.conflist', 'runtime.log']));

    // Without node facts the two states cannot be told apart.
    expect(diagnose({ ...snapshot, nodeFacts: {} }).findings[0]?.code).toBe('CNI_NOT_INSTALLED');
  });

  it('case B, probes time out: case-b, POD_NETWORK_UNREACHABLE', async () => {
    const diagnosis = diagnose(await dump('case-b-probe-timeout'));
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'case-b' });
    expect(diagnosis.findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
    expect(diagnosis.findings[0]?.evidence.length).toBe(3);
  });

  it('probe refused while other probed pods on the node are Ready: PROBE_TARGET_NOT_LISTENING, network OK', async () => {
    const diagnosis = diagnose(await dump('probe-refused'));
    expect(diagnosis.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
    expect(diagnosis.findings.map((f) => f.code)).toEqual(['PROBE_TARGET_NOT_LISTENING']);
    expect(diagnosis.findings[0]?.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('a working cluster: both networks OK, no findings', async () => {
    const diagnosis = diagnose(await dump('healthy-flannel'));
    expect(diagnosis).toEqual({
      hostNetwork: { status: 'OK', reasons: [] },
      containerNetwork: { status: 'OK', step: 'ready' },
      findings: [],
      unreadable: [],
      history: [],
    });
  });
});
