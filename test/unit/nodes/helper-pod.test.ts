import { spawnSync } from 'node:child_process';
import { admissionRefusal, helperCommand, helperPodManifest, helperPodName, helperStartFailure, missingPermissionsError, onNodeArgv } from '../../../shared/nodes/helper-pod.js';
import { defaultHelperImage, nodeAccessFromArgs } from '../../../shared/nodes/node-access.js';
import { exitCodeFromStatus } from '../../../shared/nodes/pod-exec.js';
import { parseHeadSections } from '../../../shared/nodes/gather-node-facts.js';

describe('the helper pod', () => {
  const pod = helperPodManifest({ node: 'kube-node-1', namespace: 'ops', image: 'img:1', imagePullSecrets: ['regcred'], owner: 'me@host pid 1' });

  it('runs on its node in the host namespaces, privileged, tolerating every taint, with no token and a hard lifetime', () => {
    expect(pod.metadata?.namespace).toBe('ops');
    expect(pod.metadata?.labels?.['kubectl-netcheck/helper']).toBe('true');
    expect(pod.spec).toMatchObject({
      nodeName: 'kube-node-1', hostNetwork: true, hostPID: true, hostIPC: true, restartPolicy: 'Never',
      automountServiceAccountToken: false, tolerations: [{ operator: 'Exists' }], imagePullSecrets: [{ name: 'regcred' }],
    });
    expect(pod.spec?.activeDeadlineSeconds).toBeGreaterThan(0);
    const container = pod.spec!.containers[0]!;
    expect(container.securityContext?.privileged).toBe(true);
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits).toBeDefined();
  });

  it('has a valid, unique-per-run name even for long or odd node names', () => {
    const name = helperPodName(`Node_${'x'.repeat(80)}.example.com`);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(helperPodName('n1')).not.toBe(helperPodName('n1'));
  });

  it('ends by itself once its lease is not renewed (run with a short lease here)', () => {
    const script = helperCommand[2]!.replace(/-lt \d+/, '-lt 1');
    const started = Date.now();
    const result = spawnSync('sh', ['-c', script.replaceAll('/tmp/netcheck-lease', `/tmp/netcheck-lease-test-${process.pid}`)], { timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('enters every namespace of the node through PID 1, argv kept as argv', () => {
    expect(onNodeArgv(['ip', 'a b'])).toEqual(['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', '/bin/sh', '-c', 'exec "$@"', 'sh', 'ip', 'a b']);
    const announced = spawnSync('/bin/sh', onNodeArgv(['printf', '%s|', 'a b', "c'd"], true).slice(10), { encoding: 'utf8' });
    expect(announced.stdout).toBe("a b|c'd|");
    expect(announced.stderr).toMatch(/^netcheck-remote-pid=\d+\n$/);
  });
});

describe('start failures and refusals', () => {
  it('tells an image pull failure from a pod that ended', () => {
    expect(helperStartFailure({ status: { phase: 'Pending', containerStatuses: [{ name: 'helper', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }] } })?.reason).toBe('image');
    expect(helperStartFailure({ status: { phase: 'Failed', reason: 'DeadlineExceeded' } })?.reason).toBe('ended');
    expect(helperStartFailure({ status: { phase: 'Pending' } })).toBeUndefined();
  });

  it.each([
    ['pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged', /pod-security.kubernetes.io\/enforce=privileged/],
    ['pods "x" is forbidden: unable to validate against any pod security policy: []', /PodSecurityPolicy/],
    ['pods "x" is forbidden: exceeded quota: no-pods, requested: pods=1, used: pods=0, limited: pods=0', /resourcequota/],
  ])('names what admits the pod for %s', (message, hint) => {
    const error = admissionRefusal('ops', message)!;
    expect(error.exitCode).toBe(3);
    expect(error.hint).toMatch(hint);
  });

  it('names every missing permission with the can-i command to check it', () => {
    const error = missingPermissionsError('ops', 'alice', [{ verb: 'create', resource: 'pods', subresource: 'exec' }, { verb: 'delete', resource: 'pods' }]);
    expect(error.message).toBe('user alice may not create pods/exec, delete pods in namespace ops, which the helper pods (--via pod) need');
    expect(error.hint).toContain('kubectl auth can-i create pods/exec -n ops');
    expect(error.exitCode).toBe(3);
  });
});

describe('exitCodeFromStatus', () => {
  it('reads the status channel', () => {
    expect(exitCodeFromStatus({ status: 'Success' })).toBe(0);
    expect(exitCodeFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } })).toBe(7);
    expect(exitCodeFromStatus({ status: 'Failure', message: 'error executing command' })).toBeNull();
    expect(exitCodeFromStatus(undefined)).toBeNull();
  });
});

describe('nodeAccessFromArgs', () => {
  it('defaults to ssh; NETCHECK_VIA and NETCHECK_HELPER_IMAGE apply when the flags are absent', () => {
    expect(nodeAccessFromArgs({}, {})).toMatchObject({ via: 'ssh', image: defaultHelperImage, imagePullSecrets: [] });
    expect(nodeAccessFromArgs({}, { NETCHECK_VIA: 'pod', NETCHECK_HELPER_IMAGE: 'local/img' })).toMatchObject({ via: 'pod', image: 'local/img' });
    expect(nodeAccessFromArgs({ via: 'ssh', image: 'x', imagePullSecret: ['a', 'b'], helperTimeout: '2m' }, { NETCHECK_VIA: 'pod' }))
      .toMatchObject({ via: 'ssh', image: 'x', imagePullSecrets: ['a', 'b'], helperTimeoutMs: 120_000 });
  });

  it('refuses bad values with exit 2', () => {
    expect(() => nodeAccessFromArgs({ via: 'telnet' }, {})).toThrow(/--via must be ssh or pod/);
    expect(() => nodeAccessFromArgs({}, { NETCHECK_VIA: 'x' })).toThrow(/NETCHECK_VIA/);
    expect(() => nodeAccessFromArgs({ helperTimeout: 'soon' }, {})).toThrow(/--helper-timeout/);
  });
});

describe('parseHeadSections', () => {
  it('splits GNU head -v output of several files (real output of head -v -c 65536 on two files)', () => {
    const dir = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('sh', ['-c', `printf '{"a":1}\\n' > ${dir}/10-a.conf; printf 'no newline' > ${dir}/20-b.conflist`]);
    const out = spawnSync('sh', ['-c', `head -v -c 65536 ${dir}/10-a.conf ${dir}/20-b.conflist`], { encoding: 'utf8' }).stdout;
    spawnSync('rm', ['-rf', dir]);
    expect(parseHeadSections(out)).toEqual(new Map([['10-a.conf', '{"a":1}\n'], ['20-b.conflist', 'no newline']]));
  });
});
