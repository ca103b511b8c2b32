// The controller's own words for a result. A stalled HelmRelease, for one, says only
// "Failed to upgrade after 2 attempt(s)" in Stalled, "Helm rollback … succeeded" in Ready, and the Helm
// error itself only in Released: a person needs all three, the cause first.
import type { Condition } from '../flux/types.js';
import type { ObjectResult } from '../reconcile/types.js';

function conditionsOf(result: ObjectResult): Condition[] {
  return result.conditions.length ? result.conditions : (result.last?.status?.conditions ?? []);
}

/**
 * False conditions that explain a failure, the cause first: those whose reason names a failure
 * (UpgradeFailed, TestFailed, HealthCheckFailed...), then Ready. Conditions such as Drifted=False
 * (NoDriftDetected) are good news and left out.
 */
function explaining(result: ObjectResult): Condition[] {
  const falseOnes = conditionsOf(result).filter((c) => c.status === 'False' && c.message?.trim());
  const failures = falseOnes.filter((c) => c.type !== 'Ready' && /Failed$/.test(c.reason ?? ''));
  const ready = falseOnes.filter((c) => c.type === 'Ready');
  return [...failures, ...ready];
}

/**
 * The result's message, preceded by what the object's failing conditions say when the object failed or
 * timed out and the result does not already say it.
 */
export function controllerMessage(result: ObjectResult): string {
  const message = result.message.trim();
  if (result.outcome !== 'failed' && result.outcome !== 'timed-out') return message;
  const said: string[] = [];
  for (const condition of explaining(result)) {
    const text = condition.message!.trim();
    if (message.includes(text) || said.some((s) => s.includes(text))) continue;
    said.push(condition.reason && condition.reason !== result.reason ? `${condition.reason}: ${text}` : text);
  }
  return [...said, message].filter(Boolean).join('\n');
}
