// Scenario 7, through the bundled action: a user who may read but not patch gets a permission error naming
// the verb, the resource and the namespace; a kind whose CRD is not installed gets a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { kustomization, newJobDir, removeJobDir, runStep } from '../support.js';

const lab = useLab();
let ns = '';
let jobDir = '';

beforeAll(async () => {
  ns = await lab.namespace('perm');
  jobDir = await newJobDir();
  await lab.apply([kustomization('app', './app', { namespace: ns })]);
});

afterAll(async () => {
  await removeJobDir(jobDir);
});

describe('access problems, as the action reports them', () => {
  it('names the missing permission for a user who cannot patch', async () => {
    const step = await runStep(
      lab,
      { resources: 'ks/app', namespace: ns, timeout: '1m' },
      { jobDir, user: 'restricted' },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(
      new RegExp(`::error::.*patch.*kustomizations\\.kustomize\\.toolkit\\.fluxcd\\.io.*${ns}`),
    );
    expect(step.outputs.ready).toBe('false');
    // The summary says what stopped the run, in the same words.
    expect(step.summary).toContain('stopped before reconciling');
    expect(step.summary).toMatch(new RegExp(`patch.*kustomizations.*${ns}`));
  });

  it('sets up a kubeconfig given with an install-only run, for later steps', async () => {
    const step = await runStep(lab, { resources: '' }, { jobDir });
    expect(step.exitCode, step.log).toBe(0);
    expect(step.exportedEnv.KUBECONFIG).toBe(step.state.kubeconfigPath);
    expect(step.exportedEnv.KUBECONFIG).toMatch(/flux-reconcile-kubeconfig-/);
  });

  it('lets the same user run the read-only gate', async () => {
    const step = await runStep(
      lab,
      { command: 'wait', resources: 'ks/app', namespace: ns, timeout: '3s' },
      { jobDir, user: 'restricted' },
    );
    // Not Ready (its source does not exist), but no permission error: the gate only reads.
    expect(step.stdout).not.toMatch(/not allowed/);
    expect(step.outputs.ready).toBe('false');
  });

  it('says Flux is not installed for this kind when its CRD is missing', async () => {
    const step = await runStep(
      lab,
      { resources: 'imagepolicy/app', namespace: ns, timeout: '1m' },
      { jobDir },
    );
    expect(step.exitCode).toBe(1);
    expect(step.stdout).toMatch(/::error::.*image\.toolkit\.fluxcd\.io\/v1 ImagePolicy is missing/);
  });
});
