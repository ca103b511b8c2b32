// verify-url against real HTTP servers on 127.0.0.1: asked until it answers as expected, with the shared
// backoff; what a failure shows (status, a short sanitised excerpt, timing); redirects and the body cap; and
// a URL that changes its answer during the soak, through the run loop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerifyUrl } from '../../../src/inputs/types.js';
import { askUntilAnswered, MAX_BODY_BYTES, Prober } from '../../../src/reconcile/probe.js';
import { EXCERPT_CHARS } from '../../../src/reconcile/probe-verdict.js';
import type { RunOptions } from '../../../src/reconcile/run.js';
import { FakeCluster, handleAndSucceed, runKustomizations } from '../../helpers/fake-cluster.js';

type Answer = (
  count: number,
  path: string,
) => { status: number; body: string; headers?: Record<string, string> };

const servers: Server[] = [];
const probers: Prober[] = [];

/** A server on 127.0.0.1 answering the nth request (from 1) as `answer` says; its base URL. */
async function serve(answer: Answer): Promise<{ url: string; count: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    const { status, body, headers } = answer(count, req.url ?? '/');
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, count: () => count };
}

function prober(): Prober {
  const p = new Prober();
  probers.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(probers.splice(0).map((p) => p.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const target = (url: string, extra: Partial<VerifyUrl> = {}): VerifyUrl => ({
  url,
  allowInsecure: false,
  ...extra,
});
const never = new AbortController().signal;

describe('askUntilAnswered', () => {
  it('asks again, with backoff, until a 503 becomes the expected 200 with the expected text', async () => {
    const app = await serve((n) =>
      n < 3 ? { status: 503, body: 'starting' } : { status: 200, body: 'version abc123' },
    );
    const result = await askUntilAnswered(
      prober(),
      target(`${app.url}/version`, { status: 200, body: 'abc123' }),
      Date.now() + 60_000,
      never,
    );
    expect(result).toMatchObject({
      ok: true,
      attempts: 3,
      stage: 'ready',
      answer: { status: 200, excerpt: 'version abc123' },
    });
    expect(result.expected).toBe('200 with "abc123"');
  });

  it('never as expected: the last status, a short sanitised excerpt of the body, and how long it tried', async () => {
    const body = `<b>down</b>\u001b[31m for maintenance\n::error::injected\n${'x'.repeat(2000)}`;
    const app = await serve(() => ({ status: 500, body }));
    const result = await askUntilAnswered(prober(), target(`${app.url}/healthz`), Date.now() + 1_500, never);
    expect(result.ok).toBe(false);
    expect(result.attempts).toBeGreaterThanOrEqual(1);
    expect(result.why).toBe('answered 500, expected any 2xx');
    expect(result.answer?.status).toBe(500);
    expect(result.answer?.excerpt.startsWith('<b>down</b> for maintenance\n::error::injected')).toBe(true);
    expect(result.answer?.excerpt).not.toContain('\u001b');
    expect(Array.from(result.answer!.excerpt).length).toBeLessThanOrEqual(EXCERPT_CHARS + 1);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('the right status without the expected text is not the expected answer', async () => {
    const app = await serve(() => ({ status: 200, body: 'version old' }));
    const result = await askUntilAnswered(prober(), target(app.url, { body: 'new' }), Date.now(), never);
    expect(result).toMatchObject({ ok: false, why: 'answered 200 without "new" in its body' });
  });

  it('follows a redirect within the host, not one to another host', async () => {
    const other = await serve(() => ({ status: 200, body: 'elsewhere' }));
    const app = await serve((_n, path) =>
      path === '/old'
        ? { status: 302, body: '', headers: { location: '/new' } }
        : path === '/new'
          ? { status: 200, body: 'here' }
          : { status: 302, body: '', headers: { location: `${other.url}/x` } },
    );
    const same = await askUntilAnswered(prober(), target(`${app.url}/old`), Date.now(), never);
    expect(same).toMatchObject({ ok: true, answer: { status: 200, excerpt: 'here' } });
    const away = await askUntilAnswered(prober(), target(`${app.url}/away`), Date.now(), never);
    expect(away).toMatchObject({ ok: false, answer: { status: 302, redirect: `${other.url}/x` } });
    expect(away.why).toContain('a redirect to another host');
    expect(other.count()).toBe(0);
  });

  it('reads no more than the cap of a huge body, and still judges what it read', async () => {
    const app = await serve(() => ({ status: 200, body: `ok ${'y'.repeat(4 * MAX_BODY_BYTES)}` }));
    const result = await askUntilAnswered(prober(), target(app.url, { body: 'ok' }), Date.now(), never);
    expect(result).toMatchObject({ ok: true, answer: { status: 200 } });
  });

  it('nothing listening: no answer, in the network’s words', async () => {
    const app = await serve(() => ({ status: 200, body: '' }));
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const result = await askUntilAnswered(prober(), target(app.url), Date.now(), never);
    expect(result).toMatchObject({ ok: false });
    expect(result.error).toContain('ECONNREFUSED');
  });
});

describe('verify-url in the run', () => {
  function cluster(): FakeCluster {
    const c = new FakeCluster();
    c.add('Kustomization', {
      metadata: { name: 'apps' },
      spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } },
      status: { lastAppliedRevision: 'main@sha1:old', observedGeneration: 1 },
    });
    c.controllers.set(
      'Kustomization',
      handleAndSucceed(() => 'main@sha1:new'),
    );
    return c;
  }
  const options = (extra: Partial<RunOptions>): RunOptions => ({
    command: 'reconcile',
    revision: '',
    timeoutMs: 30_000,
    failFastGraceMs: 0,
    follow: false,
    force: false,
    reset: false,
    workloads: 'auto',
    ...extra,
  });

  it('asked once Ready until it answers, then held through the soak', async () => {
    const app = await serve((n) =>
      n === 1 ? { status: 503, body: 'not yet' } : { status: 200, body: 'ok' },
    );
    // The action's deadline is the timeout less the report's share: not a whole number of milliseconds.
    const deadlineAt = Date.now() + 30_000.25;
    const run = await runKustomizations(
      cluster(),
      ['apps'],
      options({ verifyUrls: [target(app.url)], stableForMs: 1_500, deadlineAt }),
    );
    expect(run.ready).toBe(true);
    expect(run.probes).toEqual([expect.objectContaining({ ok: true, attempts: 2, stage: 'ready' })]);
    expect(run.soak).toMatchObject({ held: true, watched: { objects: 1, urls: 1 } });
    // Asked again during the soak.
    expect(app.count()).toBeGreaterThan(2);
  });

  it('a URL that changes its answer during the soak breaks it, saying what it answered', async () => {
    let broken = false;
    const app = await serve(() =>
      broken ? { status: 502, body: 'bad gateway' } : { status: 200, body: 'ok' },
    );
    const run = await runKustomizations(
      cluster(),
      ['apps'],
      options({
        verifyUrls: [target(app.url)],
        stableForMs: 20_000,
        hooks: {
          soakStarted: () => {
            broken = true;
          },
        },
      }),
    );
    expect(run.ready).toBe(false);
    expect(run.soak).toMatchObject({
      held: false,
      broke: { what: `${app.url} answered 502, expected any 2xx` },
    });
    expect(run.probes?.map((p) => [p.stage, p.ok, p.answer?.status])).toEqual([
      ['ready', true, 200],
      ['soak', false, 502],
    ]);
    // The objects stayed Ready: only the URL failed.
    expect(run.results.every((r) => r.ok)).toBe(true);
  });

  it('a URL that never answers as expected fails the run before any soak', async () => {
    const app = await serve(() => ({ status: 404, body: 'no such page' }));
    const run = await runKustomizations(
      cluster(),
      ['apps'],
      options({ verifyUrls: [target(app.url)], stableForMs: 1_000, timeoutMs: 4_000 }),
    );
    expect(run.ready).toBe(false);
    expect(run.probes?.[0]).toMatchObject({ ok: false, answer: { status: 404, excerpt: 'no such page' } });
    expect(run.soak).toBeUndefined();
  });
});
