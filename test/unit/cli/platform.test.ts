import { colourAllowed, defaultSshAgent, expandHome, fileNameProblem, pathListSeparator, terminationSignals, windowsOpenSshAgentPipe } from '../../../shared/cli/platform.js';
import { resolveKubeconfigSource } from '../../../shared/kube/kubeconfig-sources.js';
import { planConnection } from '../../../shared/ssh/ssh-endpoint.js';
import { parseSshConfig } from '../../../shared/ssh/ssh-config.js';
import { sshOptionsFromArgs } from '../../../shared/ssh/ssh-options.js';

// The workstation side on each OS kubectl runs on, decided on Linux.
const platforms = ['linux', 'darwin', 'win32'] as const;

describe('path lists: KUBECONFIG', () => {
  it('splits on ; on Windows (C:\\ has a colon) and on : elsewhere', () => {
    expect(platforms.map(pathListSeparator)).toEqual([':', ':', ';']);
    const files = ['C:\\Users\\op\\.kube\\config', 'D:\\lab\\kubeconfig'];
    expect(resolveKubeconfigSource({ env: { KUBECONFIG: files.join(';') }, home: 'C:\\Users\\op', exists: (f) => files.includes(f), platform: 'win32' }))
      .toEqual({ kind: 'files', files });
    expect(resolveKubeconfigSource({ env: { KUBECONFIG: '/a:/b' }, home: '/h', exists: () => true, platform: 'darwin' }))
      .toEqual({ kind: 'files', files: ['/a', '/b'] });
  });

  it('falls back to %USERPROFILE%\\.kube\\config on Windows', () => {
    expect(resolveKubeconfigSource({ env: {}, home: 'C:\\Users\\op', exists: (f) => f === 'C:\\Users\\op\\.kube\\config', platform: 'win32' }))
      .toEqual({ kind: 'files', files: ['C:\\Users\\op\\.kube\\config'] });
  });
});

describe('ssh-agent', () => {
  it('has no default on Unix; on Windows OpenSSH\'s pipe when it is there, else Pageant', () => {
    expect(defaultSshAgent('linux', true)).toBeUndefined();
    expect(defaultSshAgent('darwin', false)).toBeUndefined();
    expect(defaultSshAgent('win32', true)).toBe('\\\\.\\pipe\\openssh-ssh-agent');
    expect(defaultSshAgent('win32', false)).toBe('pageant');
  });

  it('reaches the node endpoint: SSH_AUTH_SOCK wins, IdentityAgent none turns it off', () => {
    const endpoint = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv, configText = '') => planConnection('n1', '10.0.0.1', {
      config: parseSshConfig(configText, 'config'),
      options: sshOptionsFromArgs({}, {}, '/h'),
      local: { homeDir: platform === 'win32' ? 'C:\\Users\\op' : '/h', localUser: 'op', platform, openSshAgentPipe: true },
      env,
    }).at(-1)!;
    expect(endpoint('win32', {}).agentSocket).toBe(windowsOpenSshAgentPipe);
    expect(endpoint('win32', { SSH_AUTH_SOCK: '\\\\.\\pipe\\other' }).agentSocket).toBe('\\\\.\\pipe\\other');
    expect(endpoint('win32', {}, 'IdentityAgent none\n').agentSocket).toBeUndefined();
    expect(endpoint('linux', {}).agentSocket).toBeUndefined();
    expect(endpoint('darwin', { SSH_AUTH_SOCK: '/tmp/agent.sock' }).agentSocket).toBe('/tmp/agent.sock');
  });

  it('finds the default keys and known_hosts under the home directory (~\\.ssh on Windows)', () => {
    expect(expandHome('~\\.ssh\\id_ed25519', 'C:\\Users\\op', 'win32')).toBe('C:\\Users\\op\\.ssh\\id_ed25519');
    expect(expandHome('~/.ssh/id_ed25519', 'C:\\Users\\op', 'win32')).toBe('C:\\Users\\op/.ssh/id_ed25519');
    expect(expandHome('~\\x', '/h', 'linux')).toBe('~\\x');
    expect(expandHome('~/.ssh/config', '/Users/op', 'darwin')).toBe('/Users/op/.ssh/config');
  });
});

describe('signals', () => {
  it('listens only for signals the OS delivers: no SIGTERM or SIGHUP on Windows, SIGBREAK instead', () => {
    expect(terminationSignals('linux')).toEqual(['SIGTERM', 'SIGHUP']);
    expect(terminationSignals('darwin')).toEqual(['SIGTERM', 'SIGHUP']);
    expect(terminationSignals('win32')).toEqual(['SIGBREAK']);
  });
});

describe('file names in --save-bundle', () => {
  it('refuses path separators everywhere, and Windows\' forbidden characters and device names there only', () => {
    for (const platform of platforms) {
      expect(fileNameProblem('web-0', platform)).toBeUndefined();
      expect(fileNameProblem('../x', platform)).toBe('not a plain file name');
      expect(fileNameProblem('a\\b', platform)).toBe('not a plain file name');
    }
    expect(fileNameProblem('10-flannel:v1.conflist', 'linux')).toBeUndefined();
    expect(fileNameProblem('10-flannel:v1.conflist', 'win32')).toMatch(/Windows does not allow/);
    expect(fileNameProblem('nul', 'win32')).toMatch(/Windows reserves/);
    expect(fileNameProblem('CON.json', 'win32')).toMatch(/Windows reserves/);
    expect(fileNameProblem('nul', 'darwin')).toBeUndefined();
  });
});

describe('colour', () => {
  it('only on a terminal, off with --no-color, NO_COLOR or TERM=dumb: the same rule on every OS', () => {
    expect(colourAllowed(true, false, {})).toBe(true);
    expect(colourAllowed(false, false, {})).toBe(false);
    expect(colourAllowed(true, true, {})).toBe(false);
    expect(colourAllowed(true, false, { NO_COLOR: '1' })).toBe(false);
    expect(colourAllowed(true, false, { NO_COLOR: '' })).toBe(true);
    expect(colourAllowed(true, false, { TERM: 'dumb' })).toBe(false);
  });
});
