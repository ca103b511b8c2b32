// core/v1 Events as the report reads them. Flux's recorders set lastTimestamp; events.k8s.io recorders
// set eventTime (and series), so the newest known time is taken from whichever is there.
import type { CoreV1Event } from '@kubernetes/client-node';
import type { KubeEvent } from '../flux/types.js';

function iso(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function toKubeEvent(event: CoreV1Event): KubeEvent {
  const when =
    iso(event.lastTimestamp) ??
    iso(event.series?.lastObservedTime) ??
    iso(event.eventTime) ??
    iso(event.firstTimestamp) ??
    iso(event.metadata?.creationTimestamp);
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    ...(when ? { lastTimestamp: when } : {}),
    // The scheduler's events.k8s.io events count repeats in series.count and leave count empty.
    ...((event.count ?? event.series?.count) !== undefined
      ? { count: event.count ?? event.series?.count }
      : {}),
    involvedObject: {
      kind: event.involvedObject.kind ?? '',
      name: event.involvedObject.name ?? '',
      ...(event.involvedObject.namespace ? { namespace: event.involvedObject.namespace } : {}),
    },
  };
}
