// trigger: receiver with receiver-type: generic-oidc, through the bundled action against the lab's
// notification-controller and its OIDC issuers: the job holds no secret, only the runner's token endpoint
// (the lab's stand-in for `permissions: id-token: write`). A push, the token, a read-only wait; then each
// refusal, said in the controller's words (checked against its own log) with what to change.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oidcReceiver } from '../lab/flux-manifests.js';
import type { OidcTokenSource } from '../lab/oidc.js';
import { useLab } from '../lab/use-lab.js';
import { waitUntil } from '../lab/wait.js';
import {
  configMap,
  gitRepository,
  kustomization,
  resultsOf,
  runStep,
  type Step,
  useFleet,
} from '../support.js';

const lab = useLab();
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

function oidc() {
  if (!lab.info.oidc) throw new Error('the lab runs no OIDC issuers');
  return lab.info.oidc;
}

const fleet = useFleet(lab, 'receiver-oidc', {
  files: { 'app/cm.yaml': configMap('app', { push: '0' }) },
  objects: (ns, repo) => {
    const { issuers, run } = oidc();
    const fromFleet = {
      expression: `claims.repository == '${run.repository}' && claims.ref == 'refs/heads/main'`,
      message: `only ${run.repository} on main may deploy`,
    };
    return [
      gitRepository('fleet', repo.url, { namespace: ns }),
      kustomization('app', './app', { namespace: ns }),
      oidcReceiver('deploy', { namespace: ns, issuerURL: issuers.trusted, validations: [fromFleet] }),
      oidcReceiver('prod', {
        namespace: ns,
        issuerURL: issuers.trusted,
        audience: 'fleet-prod',
        validations: [fromFleet],
      }),
      oidcReceiver('other-repo', {
        namespace: ns,
        issuerURL: issuers.trusted,
        validations: [
          { expression: "claims.repository == 'org/other'", message: 'only org/other may deploy' },
        ],
      }),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'webhook-token', namespace: ns },
        stringData: { token: 'receiver-oidc-e2e-token' },
      },
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1',
        kind: 'Receiver',
        metadata: { name: 'hmac', namespace: ns },
        spec: {
          type: 'generic-hmac',
          secretRef: { name: 'webhook-token' },
          resources: [{ kind: 'GitRepository', name: 'fleet' }],
        },
      },
    ];
  },
  readyKustomizations: ['app'],
});

async function webhookUrl(name: string): Promise<string> {
  const ready = await lab.waitForReady('Receiver', fleet.ns, name);
  return `${lab.info.notification?.receiverUrl}${ready.status.webhookPath}`;
}

/** The step's log as a person sees it: the runner hides `::add-mask::` lines and every value they register. */
function shownLog(step: Step): string {
  return step.log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

/** One step of a job with `permissions: id-token: write` (tokens from `source`), or without it (`none`). */
async function oidcStep(
  receiver: string,
  options: { source?: OidcTokenSource | 'none'; inputs?: Record<string, string> } = {},
): Promise<Step> {
  const source = options.source ?? 'trusted';
  const step = await runStep(
    lab,
    {
      trigger: 'receiver',
      'receiver-url': await webhookUrl(receiver),
      'receiver-type': 'generic-oidc',
      resources: 'ks/app',
      namespace: fleet.ns,
      revision: await fleet.repo.head(),
      timeout: '2m',
      ...options.inputs,
    },
    { jobDir: fleet.jobDir, user: 'restricted', env: source === 'none' ? {} : lab.oidcRunnerEnv(source) },
  );
  // The token is registered as a secret before anything is logged, and shows nowhere.
  for (const text of [shownLog(step), step.summary, JSON.stringify(step.outputs)])
    expect(text).not.toMatch(JWT);
  return step;
}

/** The step failed with `words` in its error, and notification-controller's log says the same. */
async function expectControllerWords(step: Step, words: string): Promise<void> {
  expect(step.exitCode, step.log).toBe(1);
  expect(step.stdout).toContain(`::error::The Receiver at`);
  expect(step.stdout).toContain(words);
  const log = join(lab.info.logsDir, 'notification-controller.log');
  await waitUntil(
    async () => (await readFile(log, 'utf8')).includes(words.replaceAll('"', '\\"')) || undefined,
    { what: `notification-controller's log to say: ${words}`, timeoutMs: 10_000 },
  );
}

describe('trigger: receiver, generic-oidc', () => {
  it('a push, the job’s OIDC token and a read-only wait end Ready at the commit; no secret anywhere', async () => {
    const sha = await fleet.repo.commit({ 'app/cm.yaml': configMap('app', { push: '1' }) }, 'push oidc');
    const step = await oidcStep('deploy', { inputs: { revision: sha } });
    expect(step.exitCode, step.log).toBe(0);
    expect(step.stdout).toContain("with the job's OIDC token (audience notification-controller)");
    expect(step.stdout).toMatch(/Receiver: HTTP 200/);
    expect(step.stdout).toMatch(/::add-mask::eyJ/);
    expect(step.outputs.ready).toBe('true');
    expect(resultsOf(step)).toEqual([
      expect.objectContaining({ kind: 'Kustomization', name: 'app', outcome: 'ready' }),
    ]);
    expect(resultsOf(step)[0]?.revisionAfter).toContain(sha);
    expect((await lab.get('ConfigMap', fleet.ns, 'app'))?.data).toEqual({ push: '1' });
  });

  it('another audience: the controller’s words and the oidc-audience to set; with it, accepted', async () => {
    const refused = await oidcStep('prod');
    await expectControllerWords(
      refused,
      'failed to verify OIDC token: oidc: expected audience "fleet-prod" got ["notification-controller"]',
    );
    expect(refused.stdout).toContain('Set oidc-audience: fleet-prod in the workflow');

    // Without a kubeconfig the step cannot read the Receiver: it names every check, with the token's values.
    const blind = await oidcStep('prod', { inputs: { kubeconfig: '', resources: '' } });
    expect(blind.exitCode).toBe(1);
    expect(blind.stdout).toContain(`no oidcProvider configured for issuer "${oidc().issuers.trusted}"`);
    expect(blind.stdout).toContain('set oidc-audience to X');

    const accepted = await oidcStep('prod', { inputs: { 'oidc-audience': 'fleet-prod', resources: '' } });
    expect(accepted.exitCode, accepted.log).toBe(0);
    expect(accepted.stdout).toMatch(/Receiver: HTTP 200/);
  });

  it('a validation that refuses the repository: its message, and the claims it read', async () => {
    const step = await oidcStep('other-repo');
    await expectControllerWords(step, 'token validation failed: only org/other may deploy');
    expect(step.stdout).toContain(`repository "${oidc().run.repository}"`);
  });

  it('a token from an issuer the Receiver does not trust', async () => {
    const step = await oidcStep('deploy', { source: 'untrusted' });
    await expectControllerWords(step, `no oidcProvider configured for issuer "${oidc().issuers.untrusted}"`);
    expect(step.stdout).toContain(`trusts "${oidc().issuers.trusted}"`);
  });

  it('a Receiver of another type', async () => {
    const step = await oidcStep('hmac');
    await expectControllerWords(step, 'unable to validate HMAC signature');
    expect(step.stdout).toContain('is of type generic-hmac, not generic-oidc');
  });

  it('a job without id-token: write is told the permissions block, and nothing is sent', async () => {
    const step = await oidcStep('deploy', { source: 'none' });
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toContain('no ACTIONS_ID_TOKEN_REQUEST_URL');
    expect(step.stdout).toContain('id-token: write');
    expect(step.stdout).not.toContain('Triggering the generic-oidc Receiver');
    expect(step.outputs.ready).toBe('false');
  });

  it('a receiver-secret given with generic-oidc is refused, naming the input and not its value', async () => {
    const step = await oidcStep('deploy', { inputs: { 'receiver-secret': 'a-secret-not-needed' } });
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(
      /::error::Input 'receiver-secret' must be empty with receiver-type: generic-oidc/,
    );
    expect(shownLog(step)).not.toContain('a-secret-not-needed');
  });
});
