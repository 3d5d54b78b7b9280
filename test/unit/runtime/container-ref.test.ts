import { PluginError } from '../../../shared/cli/errors.js';
import { isContainerId, nodeRuntime, parseContainerId } from '../../../shared/runtime/container-ref.js';

// IDs as they appear in real pod statuses and in the recorded fixtures.
const containerdId = '62d394ee146b940bf89a629a1ff85b20fdc8202437248d6c30be48176961d1b6';
const crioId = 'f33f47b0db740bb647cb3e7ac62d96c74966dbb99cbfaf4563bfd42d387e8b44';
const dockerId = '86199ab4c77bb43a21bef6b7e711bed3c30baa7dc50de3182de3c73d2ba116b7';

describe('parseContainerId', () => {
  it.each([
    [`containerd://${containerdId}`, 'containerd', containerdId],
    [`cri-o://${crioId}`, 'cri-o', crioId],
    [`crio://${crioId}`, 'cri-o', crioId],
    [`docker://${dockerId}`, 'docker', dockerId],
    [`  containerd://${containerdId}\n`, 'containerd', containerdId],
  ])('%s is %s %s', (raw, runtime, id) => expect(parseContainerId(raw)).toEqual({ runtime, id }));

  it('names the unsupported scheme and says which ones work', () => {
    expect(() => parseContainerId(`rkt://${containerdId}`)).toThrow(/does not start with containerd:\/\/, docker:\/\/ or cri-o:\/\//);
    expect(() => parseContainerId(containerdId)).toThrow(PluginError);
  });

  it('refuses IDs that are not hex, since the ID becomes a grep pattern on the node', () => {
    for (const bad of ['containerd://', 'containerd://abc', `containerd://${containerdId}; reboot`, 'docker://$(id)', `containerd://${containerdId.toUpperCase()}`]) {
      expect(() => parseContainerId(bad)).toThrow(PluginError);
    }
  });

  it('accepts the short IDs crictl ps prints, but not shorter', () => {
    expect(isContainerId(containerdId.slice(0, 13))).toBe(true);
    expect(isContainerId(containerdId.slice(0, 11))).toBe(false);
  });
});

describe('nodeRuntime', () => {
  const node = (containerRuntimeVersion?: string) => ({
    status: containerRuntimeVersion === undefined ? {} : { nodeInfo: { containerRuntimeVersion } as never },
  });

  it.each([
    ['containerd://1.6.20', 'containerd', '1.6.20'],
    ['docker://20.10.7', 'docker', '20.10.7'],
    ['cri-o://1.21.0', 'cri-o', '1.21.0'],
    ['containerd://1.6.20~ds1', 'containerd', '1.6.20~ds1'],
  ])('%s', (reported, runtime, version) => expect(nodeRuntime(node(reported))).toEqual({ runtime, version }));

  it('is undefined when the node does not say or says something unknown', () => {
    expect(nodeRuntime(node())).toBeUndefined();
    expect(nodeRuntime(node('remote://1.0'))).toBeUndefined();
    expect(nodeRuntime(node(''))).toBeUndefined();
  });
});
