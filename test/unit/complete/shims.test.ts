import { findOnPath, planShims, shimFileName } from '../../../shared/complete/shims.js';

describe('completion helpers per platform', () => {
  it('are shell scripts on Linux and macOS, quoting the binary path', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const shims = planShims(platform, "/home/o'brien/.krew/bin/kubectl-netcheck", '/home/o\'brien/.krew/bin/');
      expect(shims.map((s) => s.file)).toEqual([
        "/home/o'brien/.krew/bin/kubectl_complete-netcheck",
        "/home/o'brien/.krew/bin/kubectl_complete-nsenter",
        "/home/o'brien/.krew/bin/kubectl_complete-tap",
      ]);
      expect(shims[1]!.content).toBe(
        '#!/bin/sh\n# Shell completion for kubectl nsenter (kubectl 1.26+ runs it); written by kubectl netcheck completion install.\n' +
        "exec '/home/o'\\''brien/.krew/bin/kubectl-netcheck' __complete nsenter \"$@\"\n");
    }
  });

  it('are .cmd scripts on Windows, found by kubectl through PATHEXT', () => {
    const shims = planShims('win32', 'C:\\Users\\op\\.krew\\bin\\kubectl-netcheck.exe', 'C:\\Users\\op\\.krew\\bin\\');
    expect(shims[2]!.file).toBe('C:\\Users\\op\\.krew\\bin\\kubectl_complete-tap.cmd');
    expect(shims[2]!.content).toBe('@echo off\r\nrem Shell completion for kubectl tap (kubectl 1.26+ runs it); written by kubectl netcheck completion install.\r\n' +
      '"C:\\Users\\op\\.krew\\bin\\kubectl-netcheck.exe" __complete tap %*\r\n');
    expect(shimFileName('netcheck', 'win32')).toBe('kubectl_complete-netcheck.cmd');
    expect(shimFileName('netcheck', 'darwin')).toBe('kubectl_complete-netcheck');
  });

  it('find the binary kubectl runs: the first PATH entry holding it, ; and .exe on Windows', () => {
    const files = new Set(['/usr/local/bin/kubectl-netcheck', '/opt/bin/kubectl-netcheck', 'C:\\krew\\bin\\kubectl-netcheck.exe']);
    const isFile = (f: string) => files.has(f);
    expect(findOnPath('kubectl-netcheck', 'linux', '/usr/bin::/usr/local/bin:/opt/bin', isFile)).toBe('/usr/local/bin/kubectl-netcheck');
    expect(findOnPath('kubectl-netcheck', 'win32', 'C:\\Windows;C:\\krew\\bin\\', isFile)).toBe('C:\\krew\\bin\\kubectl-netcheck.exe');
    expect(findOnPath('kubectl-netcheck', 'darwin', '/usr/bin', isFile)).toBeUndefined();
  });
});
