// What only a HelmRelease's details show: Helm's release history and the failure counters. Data only:
// the report escapes and renders it like any other kind's section.
import type { DetailSection, FluxObject } from './types.js';

const MAX_HISTORY = 5;

export function helmReleaseDetails(obj: FluxObject): DetailSection[] {
  const status = obj.status;
  if (!status) return [];
  const sections: DetailSection[] = [];
  const history = Array.isArray(status.history) ? status.history : [];
  if (history.length) {
    // Remediation reorders status.history (a rollback is listed before the failed upgrade it undid);
    // Helm's release number gives the true order.
    const rows = [...history]
      .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))
      .slice(0, MAX_HISTORY)
      .map((s) => [
        { text: s.version === undefined ? '' : String(s.version) },
        { text: [s.chartName, s.chartVersion].filter(Boolean).join(' ') },
        { text: s.appVersion ?? '' },
        { text: s.status ?? '' },
        { text: s.action ?? '' },
        { time: s.lastDeployed ?? s.firstDeployed },
      ]);
    sections.push({
      title: 'Helm release history (newest first)',
      table: {
        headers: ['Release', 'Chart', 'App version', 'Status', 'Action', 'Deployed\u00a0(UTC)'],
        rows,
      },
    });
  }
  const facts: NonNullable<DetailSection['facts']> = [];
  const counters: [string, unknown][] = [
    ['failures', status.failures],
    ['install failures', status.installFailures],
    ['upgrade failures', status.upgradeFailures],
  ];
  for (const [label, value] of counters) {
    if (typeof value === 'number') facts.push({ label, value: String(value) });
  }
  if (status.lastAttemptedReleaseAction) {
    facts.push({ label: 'last attempted action', value: status.lastAttemptedReleaseAction, code: true });
  }
  if (status.lastAttemptedRevision && history.length) {
    facts.push({ label: 'last attempted chart', value: status.lastAttemptedRevision, code: true });
  }
  if (facts.length) sections.push({ title: 'Failure counters', facts });
  return sections;
}
