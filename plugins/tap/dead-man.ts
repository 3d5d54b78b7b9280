import type { Argv } from '../../shared/plan/plan.js';
import { quoteArgv } from '../../shared/ssh/quote.js';

/** The client sends a byte this often on the keeper's stdin. */
export const heartbeatIntervalMs = 2000;
/** Without a byte for this long the keeper tears down: under the 10 s promised, with room for one lost beat. */
export const deadManSeconds = 7;

/** Printed by the dead-man once its signal traps are set: from then on it outlives our connection. */
export const deadManArmed = 'kubectl-tap-dead-man armed';

/**
 * The node-side dead-man: a process that lives as long as the tap. While
 * heartbeats arrive on stdin it waits; when stdin closes (client gone, SSH
 * session ended) or falls silent (network cut), it runs the teardown. The
 * script is constant; the teardown commands come in as one argument, each
 * quoted by quoteArgv, so nothing is spliced into the script itself.
 * The node's login shell may take a while (rc files) before this script runs and
 * would die of the session's SIGHUP in that window; so it says when it is armed,
 * and no step is applied before it has.
 */
export function deadManArgv(teardown: readonly Argv[]): Argv {
  const script = [
    'trap "" HUP INT TERM PIPE',
    `echo '${deadManArmed}'`,
    `while [ "$(timeout ${deadManSeconds} head -c 1 | wc -c)" -eq 1 ]; do :; done`,
    'eval "$1"',
  ].join('; ');
  return ['sh', '-c', script, 'kubectl-tap-dead-man', teardownScript(teardown)];
}

/** Every revert runs even when an earlier one fails (the pod's veth may already be gone). */
export function teardownScript(teardown: readonly Argv[]): string {
  return teardown.map((argv) => `${quoteArgv(argv)} 2>/dev/null`).join('; ') + '; true';
}
