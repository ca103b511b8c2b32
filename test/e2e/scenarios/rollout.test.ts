// Scenario: deployed means running. The lab's kwok node runs the pods (its stages play the kubelet: an image
// that never pulls, a container that crash-loops, one that restarts once), and kube-controller-manager's
// controllers roll them out. Through the bundled action: a Deployment rolls out green at its new image; a
// pull that never succeeds and a crash loop fail in the pod's own words before the timeout; a Job that fails
// says so; a restart during `stable-for` breaks the soak, saying when; `workloads: false` and a Kustomization
// that waits for its workloads itself are not judged; a HelmRelease's chart rolls out; `verify-url` against
// servers on 127.0.0.1 (503 then 200; never as expected; an answer that changes during the soak).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { useLab } from '../lab/use-lab.js';
import { deployment, job } from '../lab/workload-manifests.js';
import {
  configMap,
  gitRepository,
  helmRelease,
  helmRepository,
  kustomization,
  type ResultRecord,
  resultsOf,
  runStep,
  type Step,
  useFleet,
} from '../support.js';

const lab = useLab();
const { faults, image, unpullableImage } = lab.pods;
const placeholder = (name: string) => configMap(name, { empty: 'true' });
const chart = `shop-${Math.random().toString(36).slice(2, 8)}`;

const fleet = useFleet(lab, 'rollout', {
  files: {
    'green/deployment.yaml': deployment('web', { image }),
    'checked/deployment.yaml': deployment('checked', { image }),
    'pull/deployment.yaml': deployment('pull', { image: unpullableImage }),
    'crash/deployment.yaml': deployment('crash', { fault: faults.crash }),
    'restart/placeholder.yaml': placeholder('restart'),
    'job/placeholder.yaml': placeholder('job'),
  },
  objects: (ns, repo) => [
    gitRepository('fleet', repo.url, { namespace: ns }),
    helmRepository('charts', lab.info.helm.url, { namespace: ns }),
    kustomization('green', './green', { namespace: ns }),
    kustomization('checked', './checked', { namespace: ns, wait: true }),
    kustomization('pull', './pull', { namespace: ns }),
    kustomization('crash', './crash', { namespace: ns }),
    kustomization('restart', './restart', { namespace: ns }),
    kustomization('job', './job', { namespace: ns }),
    helmRelease('shop', chart, '1.0.0', {
      namespace: ns,
      spec: { install: { disableWait: true }, upgrade: { disableWait: true } },
    }),
  ],
  readyKustomizations: ['green'],
});

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A server on 127.0.0.1 that answers the nth request (from 1) as `answer` says; its URL. */
async function serve(answer: (n: number) => { status: number; body: string }): Promise<string> {
  let n = 0;
  const server = createServer((_req, res) => {
    const { status, body } = answer(++n);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
}

const workloadsOf = (step: Step): ResultRecord[] => resultsOf(step).filter((r) => r.role === 'workload');
const run = (inputs: Record<string, string>) =>
  runStep(lab, { namespace: fleet.ns, timeout: '3m', ...inputs }, fleet);

describe('a Deployment the commit rolls out', () => {
  it('rolls out green: ready 1/1 at the new image, a row under its Kustomization', async () => {
    const sha = await fleet.repo.commit(
      { 'green/deployment.yaml': deployment('web', { image: 'nginx:1.28' }) },
      'web: nginx 1.28',
    );
    const step = await run({ resources: 'ks/green', 'with-source': 'true', revision: sha });
    expect(step.exitCode, step.log).toBe(0);
    expect(workloadsOf(step)).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        namespace: fleet.ns,
        name: 'web',
        outcome: 'ready',
        parent: `Kustomization/${fleet.ns}/green`,
        rollout: expect.objectContaining({ ready: 1, desired: 1, images: ['nginx:1.28'] }),
      }),
    ]);
    expect(step.stdout).toContain(`✔ Deployment ${fleet.ns}/web: Ready after`);
    expect(step.stdout).toContain(`1/1 ready · nginx:1.28 (workload of Kustomization ${fleet.ns}/green)`);
    expect(step.summary).toContain('1 workload rolled out');
  });

  it('an image that never pulls: exit 1 naming the pod and ImagePullBackOff, before the timeout', async () => {
    const step = await run({ resources: 'ks/pull' });
    expect(step.exitCode, step.log).toBe(1);
    const [pull] = workloadsOf(step);
    // Failed, not timed out: it ended in the pod's words well before the 3m timeout.
    expect(pull).toMatchObject({ name: 'pull', outcome: 'failed', reason: 'ImagePullBackOff' });
    expect(pull!.message).toMatch(/^pod pull-[a-z0-9]+-[a-z0-9]+ \(container app\): /);
    expect(pull!.rollout?.pod).toMatch(/^pull-/);
    expect(step.stdout).toContain(`::error title=Deployment ${fleet.ns}/pull::ImagePullBackOff: pod pull-`);
    expect(resultsOf(step)[0]).toMatchObject({ kind: 'Kustomization', outcome: 'ready' });
    expect(JSON.parse(step.outputs.failed!)).toEqual([`Deployment/${fleet.ns}/pull`]);
  });

  it('a crash loop: exit 1 with CrashLoopBackOff and the restart count', async () => {
    const step = await run({ resources: 'ks/crash' });
    expect(step.exitCode, step.log).toBe(1);
    const [crash] = workloadsOf(step);
    expect(crash).toMatchObject({ name: 'crash', outcome: 'failed', reason: 'CrashLoopBackOff' });
    expect(crash!.message).toMatch(/last exit: Error \(exit code 1\); \d+ restarts?$/);
  });

  it('workloads: false restores the verdict of before: Flux said Ready', async () => {
    const step = await run({ resources: 'ks/pull', workloads: 'false' });
    expect(step.exitCode, step.log).toBe(0);
    expect(workloadsOf(step)).toEqual([]);
  });

  it('a Kustomization with wait: true checked its Deployment itself: not judged twice under auto', async () => {
    const step = await run({ resources: 'ks/checked' });
    expect(step.exitCode, step.log).toBe(0);
    expect(workloadsOf(step)).toEqual([]);
    expect(step.stdout).not.toContain('to roll out');
  });
});

describe('a Job and a HelmRelease', () => {
  it('a Job that fails: BackoffLimitExceeded, and its pod’s own words', async () => {
    const sha = await fleet.repo.commit(
      { 'job/placeholder.yaml': null, 'job/job.yaml': job('seed', { fault: faults.crash }) },
      'seed job',
    );
    const step = await run({ resources: 'ks/job', 'with-source': 'true', revision: sha });
    expect(step.exitCode, step.log).toBe(1);
    const [seed] = workloadsOf(step);
    expect(seed).toMatchObject({
      kind: 'Job',
      name: 'seed',
      outcome: 'failed',
      reason: 'BackoffLimitExceeded',
    });
    expect(seed!.message).toMatch(/backoff limit/i);
    expect(seed!.message).toMatch(/pod seed-[a-z0-9]+ \(container app\) Error: .*exit code 1/);
  });

  it('a HelmRelease with disableWait: its chart’s Deployment rolled out', async () => {
    await lab.helm.publish({
      name: chart,
      version: '1.0.0',
      templates: { 'deployment.yaml': deployment('{{ .Release.Name }}', { image }) },
    });
    const step = await run({ resources: 'hr/shop', 'with-source': 'true' });
    expect(step.exitCode, step.log).toBe(0);
    expect(workloadsOf(step)).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'shop',
        outcome: 'ready',
        parent: `HelmRelease/${fleet.ns}/shop`,
        rollout: expect.objectContaining({ ready: 1, desired: 1, images: [image] }),
      }),
    ]);
  });
});

describe('the soak', () => {
  it('a pod that restarts during stable-for: 30s fails the run, saying what restarted and when', async () => {
    const sha = await fleet.repo.commit(
      {
        'restart/placeholder.yaml': null,
        'restart/deployment.yaml': deployment('flaky', { fault: faults.restartOnce, restartAfter: '15s' }),
      },
      'flaky deployment',
    );
    const step = await run({
      resources: 'ks/restart',
      'with-source': 'true',
      revision: sha,
      'stable-for': '30s',
    });
    expect(step.exitCode, step.log).toBe(1);
    const [flaky] = workloadsOf(step);
    expect(flaky).toMatchObject({ name: 'flaky', outcome: 'failed', reason: 'RestartedDuringSoak' });
    expect(flaky!.message).toMatch(
      new RegExp(
        `^Deployment ${fleet.ns}/flaky restarted: container app of pod flaky-[a-z0-9]+-[a-z0-9]+ (\\(restart count 0 → 1; last exit OOMKilled \\(exit code 137\\)\\)|exited: OOMKilled \\(exit code 137\\)) at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, [\\d.]+m?s into the 30s soak$`,
      ),
    );
    expect(step.stdout).toMatch(/✗ Soak broke [\d.]+m?s in, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: /);
    expect(step.summary).toContain('Soak (stable-for)');
  });
});

describe('verify-url', () => {
  it('a server that answers 503, then 200: green, once it answers', async () => {
    const url = await serve((n) =>
      n === 1 ? { status: 503, body: 'starting' } : { status: 200, body: 'ok' },
    );
    const step = await run({ resources: 'ks/green', 'verify-url': url, 'stable-for': '5s' });
    expect(step.exitCode, step.log).toBe(0);
    expect(step.stdout).toMatch(new RegExp(`✔ ${url.replaceAll('.', '\\.')} answered 200 \\(2 tries in `));
    expect(step.stdout).toContain('✔ Soak held 5s');
  });

  it('a server that never answers as expected: exit 1 with its status and the start of its body', async () => {
    const url = await serve(() => ({ status: 500, body: 'database unreachable' }));
    const step = await run({ resources: 'ks/green', 'verify-url': `${url} 200`, timeout: '45s' });
    expect(step.exitCode, step.log).toBe(1);
    expect(step.stdout).toContain(`✗ ${url}: answered 500, expected 200`);
    expect(step.stdout).toContain('— body: database unreachable');
    // @actions/core escapes `:` in an annotation's title.
    expect(step.stdout).toContain(
      `::error title=verify-url ${url.replaceAll(':', '%3A')}::answered 500, expected 200`,
    );
    expect(step.summary).toContain('database unreachable');
  });

  it('a server that changes its answer during the soak breaks it', async () => {
    let broken = false;
    const url = await serve((n) => {
      // The first answers are good; a few seconds into the soak it starts failing.
      if (n === 2) setTimeout(() => (broken = true), 3_000);
      return broken ? { status: 502, body: 'bad gateway' } : { status: 200, body: 'ok' };
    });
    const step = await run({ resources: 'ks/green', 'verify-url': url, 'stable-for': '30s' });
    expect(step.exitCode, step.log).toBe(1);
    expect(step.stdout).toContain(`: ${url} answered 502, expected any 2xx`);
    expect(step.summary).toContain('Broke');
  });
});
