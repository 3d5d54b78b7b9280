import type { ExecOptions, ExecResult, NodeShell } from '../../shared/ssh/node-shell.js';

/** What a node answered to one command, as recorded (stdout and exit status). */
export interface RecordedAnswer { code: number; stdout?: string; stderr?: string }

/**
 * A NodeShell that replays recorded node answers, chosen by the command's first word (after sudo),
 * so pure lookup logic (findContainerPid's fall-through) runs unchanged on real recorded outputs.
 * Commands it has no answer for exit 127, as a missing tool does on a real node.
 */
export function recordedNodeShell(node: string, answers: Record<string, RecordedAnswer>): NodeShell & { asked: string[][] } {
  const asked: string[][] = [];
  const answer = (argv: readonly string[]): ExecResult => {
    asked.push([...argv]);
    const recorded = answers[argv[0] ?? ''] ?? { code: 127, stderr: `sh: 1: ${argv[0]}: not found\n` };
    return {
      code: recorded.code,
      stdout: Buffer.from(recorded.stdout ?? ''),
      stderr: Buffer.from(recorded.stderr ?? ''),
      stderrTail: recorded.stderr ?? '',
    };
  };
  return {
    node, address: '127.0.0.1', port: 22, user: 'root', asked,
    exec: async (argv: readonly string[], _options?: ExecOptions) => answer(argv),
    run: async (argv: readonly string[]) => answer(argv).stdout!.toString('utf8'),
    close: () => undefined,
  };
}
