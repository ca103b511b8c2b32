// trigger: receiver, through the bundled action against the lab's notification-controller: a push, then one
// signed POST per Receiver type and a wait by revision as the read-only `restricted` user; a wrong secret
// gets the controller's refusal; a bad URL fails fast; without a kubeconfig the step only triggers.
import { describe, expect, it } from 'vitest';
import { freePort } from '../lab/ports.js';
import { useLab } from '../lab/use-lab.js';
import {
  configMap,
  gitRepository,
  kustomization,
  receiver,
  resultsOf,
  runStep,
  useFleet,
  webhookSecret,
} from '../support.js';

const lab = useLab();
const TOKEN = 'receiver-e2e-token-5f0c';
const TYPES = ['generic', 'generic-hmac', 'github'] as const;

const fleet = useFleet(lab, 'receiver', {
  files: { 'app/cm.yaml': configMap('app', { push: '0' }) },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    kustomization('app', './app', { namespace: ns }),
    webhookSecret(TOKEN, { namespace: ns }),
    ...TYPES.map((type) => receiver(type, type, { namespace: ns, resources: ['fleet'] })),
  ],
  readyKustomizations: ['app'],
});

async function webhookUrl(type: string): Promise<string> {
  const ready = await lab.waitForReady('Receiver', fleet.ns, type);
  return `${lab.info.notification?.receiverUrl}${ready.status.webhookPath}`;
}

/** The step's log as a person sees it: the runner hides `::add-mask::` lines and every value they register. */
function shownLog(log: string): string {
  return log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

describe('trigger: receiver', () => {
  for (const [index, type] of TYPES.entries()) {
    it(`${type}: a push, then the Receiver and a read-only wait, ends Ready at the commit`, async () => {
      const url = await webhookUrl(type);
      const sha = await fleet.repo.commit(
        { 'app/cm.yaml': configMap('app', { push: String(index + 1) }) },
        `push ${type}`,
      );
      const step = await runStep(
        lab,
        {
          trigger: 'receiver',
          'receiver-url': url,
          'receiver-secret': type === 'generic' ? '' : TOKEN,
          'receiver-type': type,
          resources: 'ks/app',
          namespace: fleet.ns,
          revision: sha,
          timeout: '2m',
        },
        { jobDir: fleet.jobDir, user: 'restricted' },
      );
      expect(step.exitCode, step.log).toBe(0);
      expect(step.outputs.ready).toBe('true');
      expect(resultsOf(step)).toEqual([
        expect.objectContaining({ kind: 'Kustomization', name: 'app', outcome: 'ready' }),
      ]);
      expect(resultsOf(step)[0]?.revisionAfter).toContain(sha);
      expect(step.stdout).toMatch(/Receiver: HTTP 200/);
      const digest = url.split('/hook/')[1] ?? '';
      for (const secret of [TOKEN, digest]) expect(shownLog(step.log) + step.summary).not.toContain(secret);
      // The webhook's token and the URL's digest are registered as secrets, so the runner masks them too.
      expect(step.stdout).toContain(`::add-mask::${digest}`);
      expect((await lab.get('ConfigMap', fleet.ns, 'app'))?.data).toEqual({ push: String(index + 1) });
    });
  }

  it("a wrong secret gets notification-controller's refusal, said plainly, without waiting", async () => {
    const step = await runStep(
      lab,
      {
        trigger: 'receiver',
        'receiver-url': await webhookUrl('generic-hmac'),
        'receiver-secret': 'not-the-token',
        'receiver-type': 'generic-hmac',
        resources: 'ks/app',
        namespace: fleet.ns,
        revision: await fleet.repo.head(),
        timeout: '2m',
      },
      { jobDir: fleet.jobDir, user: 'restricted' },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(
      /::error::The Receiver at http:\/\/127\.0\.0\.1:\d+\/hook\/\*\*\* did not take the request: .*HTTP 400.*signature did not match/,
    );
    expect(shownLog(step.log)).not.toContain('not-the-token');
  });

  it('a bad URL fails fast: a malformed one before anything runs, an unknown path with 404, a dead port with the error', async () => {
    const base = { trigger: 'receiver', 'receiver-type': 'generic', resources: '' };
    const malformed = await runStep(
      lab,
      { ...base, 'receiver-url': 'https://flux.example.com/hooks/abc' },
      { jobDir: fleet.jobDir },
    );
    expect(malformed.exitCode).toBe(1);
    expect(malformed.stdout).toMatch(
      /::error::Input 'receiver-url' must end with the Receiver's webhook path/,
    );

    const unknown = `${lab.info.notification?.receiverUrl}/hook/${'0'.repeat(64)}`;
    const notFound = await runStep(lab, { ...base, 'receiver-url': unknown }, { jobDir: fleet.jobDir });
    expect(notFound.exitCode).toBe(1);
    expect(notFound.stdout).toMatch(/HTTP 404.*status\.webhookPath/);

    // A port that was free a moment ago (undici refuses some well-known ones, such as 9, outright).
    const port = await freePort();
    const dead = await runStep(
      lab,
      { ...base, 'receiver-url': `http://127.0.0.1:${port}/hook/${'1'.repeat(64)}` },
      { jobDir: fleet.jobDir },
    );
    expect(dead.exitCode).toBe(1);
    expect(dead.stdout).toMatch(
      /Could not reach the Receiver at http:\/\/127\.0\.0\.1:\d+\/hook\/\*\*\*: ECONNREFUSED/,
    );
  });

  it('without a kubeconfig only triggers, and says nothing was verified', async () => {
    const before = (await lab.get('GitRepository', fleet.ns, 'fleet'))?.metadata.annotations?.[
      'reconcile.fluxcd.io/requestedAt'
    ];
    const step = await runStep(
      lab,
      {
        kubeconfig: '',
        trigger: 'receiver',
        'receiver-url': await webhookUrl('generic'),
        'receiver-type': 'generic',
        resources: 'ks/app',
        namespace: fleet.ns,
        revision: await fleet.repo.head(),
      },
      { jobDir: fleet.jobDir },
    );
    expect(step.exitCode, step.log).toBe(0);
    expect(step.stdout).toMatch(/nothing was verified \(no kubeconfig given\)/);
    expect(step.stdout).toMatch(/::warning::trigger: receiver: the resources were not watched/);
    expect(step.outputs.ready).toBe('false');
    expect(step.summary).toContain('Nothing was verified');
    const after = await lab.waitFor(
      'GitRepository',
      fleet.ns,
      'fleet',
      (o) => o.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'] !== before,
      {
        what: 'a new requestedAt from the Receiver',
      },
    );
    expect(after.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBeTruthy();
  });
});
