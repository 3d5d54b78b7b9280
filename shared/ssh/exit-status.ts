import os from 'node:os';

/** A remote command killed by a signal exits like a shell reports it: 128 + the signal number. */
export function signalExitCode(signal: string | undefined): number {
  if (!signal) return 255;
  const number = os.constants.signals[(signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof os.constants.signals];
  return number ? 128 + number : 255;
}
