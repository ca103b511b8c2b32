import { describe, expect, it } from 'vitest';
import {
  defaultApiUrl,
  displayRepository,
  githubRepositoryOf,
  parseRepositoryUrl,
  sameRepository,
} from '../../../src/git/repository-url.js';

describe('sameRepository', () => {
  const checkout = 'https://github.com/org/fleet';
  it.each([
    ['https with .git', 'https://github.com/org/fleet.git'],
    ['https with a trailing slash', 'https://github.com/org/fleet/'],
    ['scp-like ssh', 'git@github.com:org/fleet.git'],
    ['scp-like ssh without user or .git', 'github.com:org/fleet'],
    ['ssh URL', 'ssh://git@github.com/org/fleet'],
    ['ssh URL with the default port', 'ssh://git@github.com:22/org/fleet.git'],
    ['ssh URL on another port', 'ssh://git@github.com:2222/org/fleet.git'],
    ['other case of host, owner and repository', 'https://GitHub.com/Org/Fleet.git'],
    ['credentials in the URL', 'https://x-access-token:ghs_secret@github.com/org/fleet.git'],
    ['http with the default port', 'http://github.com:80/org/fleet'],
    ['https with the default port', 'https://github.com:443/org/fleet'],
    ['a query or fragment', 'https://github.com/org/fleet.git?ref=main#x'],
    ['percent-encoded path', 'https://github.com/org/%66leet'],
  ])('matches %s', (_, url) => {
    expect(sameRepository(url, checkout)).toBe(true);
    expect(sameRepository(checkout, url)).toBe(true);
  });

  it.each([
    ['another repository', 'https://github.com/org/fleet-infra'],
    ['another owner', 'https://github.com/other/fleet'],
    ['another host', 'https://gitlab.com/org/fleet'],
    ['a subgroup path', 'https://github.com/org/sub/fleet'],
    ['a prefix of the path', 'https://github.com/org'],
    ['a transport-helper URL', 'ext::sh -c touch% /tmp/x'],
    ['a local path', '/srv/git/org/fleet'],
    ['an empty string', ''],
    ['nonsense', 'not a url'],
  ])('does not match %s', (_, url) => {
    expect(sameRepository(url, checkout)).toBe(false);
  });

  it('tells apart two servers on one host by their explicit ports', () => {
    expect(sameRepository('http://127.0.0.1:8080/fleet.git', 'http://127.0.0.1:9090/fleet.git')).toBe(false);
    expect(sameRepository('http://127.0.0.1:8080/fleet.git', 'http://127.0.0.1:8080/Fleet')).toBe(true);
  });

  it('reads no transport-helper URL as a repository', () => {
    expect(parseRepositoryUrl('ext::sh -c touch% /tmp/x')).toBeUndefined();
    expect(parseRepositoryUrl('fd::17')).toBeUndefined();
  });

  it('keeps IPv6 hosts', () => {
    expect(parseRepositoryUrl('ssh://git@[::1]:2222/org/fleet.git')).toEqual({
      host: '::1',
      port: '2222',
      path: 'org/fleet',
    });
  });
});

describe('displayRepository', () => {
  it('shows host and path, never credentials', () => {
    expect(displayRepository('https://user:hunter2@github.com/Org/Fleet.git')).toBe('github.com/org/fleet');
    expect(displayRepository('git@github.com:org/fleet.git')).toBe('github.com/org/fleet');
    expect(displayRepository('http://127.0.0.1:8080/fleet.git')).toBe('127.0.0.1:8080/fleet');
  });

  it('drops credentials from a URL it cannot read', () => {
    expect(displayRepository('https://user:hunter2@/')).not.toContain('hunter2');
  });
});

describe('githubRepositoryOf', () => {
  it.each([
    ['https://github.com/fluxcd/flux2', 'https://github.com', 'fluxcd', 'flux2'],
    ['https://github.com/FluxCD/Flux2.git/', 'https://github.com/', 'FluxCD', 'Flux2'],
    ['ssh://git@github.com/fluxcd/flux2.git', 'https://github.com', 'fluxcd', 'flux2'],
    ['git@github.com:fluxcd/flux2.git', 'https://github.com', 'fluxcd', 'flux2'],
    ['https://ghes.example.com/team/fleet', 'https://GHES.example.com', 'team', 'fleet'],
    ['http://127.0.0.1:4321/org/fleet.git', 'http://127.0.0.1:4321', 'org', 'fleet'],
  ])('%s on %s is %s/%s', (source, server, owner, repo) => {
    expect(githubRepositoryOf(source, server)).toEqual({ owner, repo });
  });

  it.each([
    ['another server', 'https://gitlab.com/fluxcd/flux2', 'https://github.com'],
    [
      'github.com while the workflow runs on GHES',
      'https://github.com/org/fleet',
      'https://ghes.example.com',
    ],
    ['a path that is not owner/repo', 'https://github.com/fluxcd/flux2/tree/main', 'https://github.com'],
    ['only an owner', 'https://github.com/fluxcd', 'https://github.com'],
    ['the same host on another port', 'http://127.0.0.1:1111/org/fleet', 'http://127.0.0.1:2222'],
  ])('is undefined for %s', (_, source, server) => {
    expect(githubRepositoryOf(source, server)).toBeUndefined();
  });
});

describe('a path with dot or empty segments', () => {
  it.each([
    ['git@github.example:../..'],
    ['git@github.example:./.'],
    ['git@github.example:org/..'],
    ['git@github.example:%2e%2e/fleet'],
    ['ssh://git@github.example/org//fleet'],
    ['https://github.example/org/fleet/..%2f..'],
    ['git@github.example:org//fleet'],
  ])('names no repository: %s', (url) => {
    expect(githubRepositoryOf(url, 'https://github.example')).toBeUndefined();
    expect(parseRepositoryUrl(url)).toBeUndefined();
    expect(sameRepository(url, url)).toBe(false);
  });
});

describe('defaultApiUrl', () => {
  it.each([
    ['https://github.com', 'https://api.github.com'],
    ['https://github.com/', 'https://api.github.com'],
    ['https://octocorp.ghe.com', 'https://api.octocorp.ghe.com'],
    ['https://ghes.example.com', 'https://ghes.example.com/api/v3'],
    ['https://ghes.example.com/', 'https://ghes.example.com/api/v3'],
  ])('%s → %s', (server, api) => {
    expect(defaultApiUrl(server)).toBe(api);
  });
});
