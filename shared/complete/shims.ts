/** The plugins kubectl completes through kubectl_complete-<name> helpers. */
export const completedPlugins = ['netcheck', 'nsenter', 'tap'] as const;

export interface Shim {
  file: string;
  content: string;
}

/** The helper's file name: a .cmd script on Windows (kubectl finds it through PATHEXT), a shell script elsewhere. */
export function shimFileName(plugin: string, platform: NodeJS.Platform): string {
  return `kubectl_complete-${plugin}${platform === 'win32' ? '.cmd' : ''}`;
}

function shQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Pure: the three helpers for BINARY (the kubectl-netcheck kubectl runs), to go
 * into DIR. Each runs the binary's `__complete PLUGIN` with the words kubectl passes.
 */
export function planShims(platform: NodeJS.Platform, binary: string, dir: string): Shim[] {
  const join = (name: string) => (platform === 'win32' ? `${dir.replace(/[\\/]+$/, '')}\\${name}` : `${dir.replace(/\/+$/, '')}/${name}`);
  return completedPlugins.map((plugin) => {
    const note = `Shell completion for kubectl ${plugin} (kubectl 1.26+ runs it); written by kubectl netcheck completion install.`;
    const content = platform === 'win32'
      ? `@echo off\r\nrem ${note}\r\n"${binary}" __complete ${plugin} %*\r\n`
      : `#!/bin/sh\n# ${note}\nexec ${shQuote(binary)} __complete ${plugin} "$@"\n`;
    return { file: join(shimFileName(plugin, platform)), content };
  });
}

/** Pure: where kubectl finds kubectl-netcheck: the first PATH entry holding it (with PATHEXT's .exe on Windows). */
export function findOnPath(name: string, platform: NodeJS.Platform, pathVar: string, isFile: (file: string) => boolean): string | undefined {
  const separator = platform === 'win32' ? ';' : ':';
  const file = platform === 'win32' ? `${name}.exe` : name;
  for (const dir of pathVar.split(separator).filter((d) => d !== '')) {
    const candidate = platform === 'win32' ? `${dir.replace(/[\\/]+$/, '')}\\${file}` : `${dir.replace(/\/+$/, '')}/${file}`;
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}
