import type { Io } from './io.js';

/** Progress on stderr: an ora spinner on a terminal, nothing otherwise (pipes and -o json stay clean). */
export interface Progress {
  step(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { step() {}, succeed() {}, fail() {}, stop() {} };

export async function startProgress(io: Io, text: string): Promise<Progress> {
  if (!io.interactive) return silent;
  // ora is loaded only when a spinner is shown.
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.err as NodeJS.WriteStream, color: 'cyan', isEnabled: true }).start();
  return {
    step: (t) => { spinner.text = t; },
    succeed: (t) => { spinner.succeed(t); },
    fail: (t) => { spinner.fail(t); },
    stop: () => { spinner.stop(); },
  };
}
