// The controller's own words for a result. A stalled HelmRelease, for one, says only
// "Failed to upgrade after 1 attempt(s)" in Stalled, while the Helm error is in Ready: a person needs both.
import type { Condition } from '../flux/types.js';
import type { ObjectResult } from '../reconcile/types.js';

function readyOf(result: ObjectResult): Condition | undefined {
  const conditions = result.conditions.length ? result.conditions : (result.last?.status?.conditions ?? []);
  return conditions.find((c) => c.type === 'Ready');
}

/**
 * The result's message, preceded by the Ready condition's reason and message when the object failed or
 * timed out and the result does not already say them.
 */
export function controllerMessage(result: ObjectResult): string {
  const message = result.message.trim();
  if (result.outcome !== 'failed' && result.outcome !== 'timed-out') return message;
  const ready = readyOf(result);
  const readyMessage = ready?.message?.trim();
  if (ready?.status !== 'False' || !readyMessage || message.includes(readyMessage)) return message;
  const said =
    ready.reason && ready.reason !== result.reason ? `${ready.reason}: ${readyMessage}` : readyMessage;
  return message ? `${said}\n${message}` : said;
}
