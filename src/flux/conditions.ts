import type { Condition, FluxObject } from './types.js';

export function findCondition(obj: FluxObject, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}
