import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ClusterAccessError, describeError, withContext } from '../../../src/kube/errors.js';

describe('describeError', () => {
  it("shows the status code and the API server's message, never the headers", () => {
    const body = JSON.stringify({ kind: 'Status', code: 404, message: 'kustomizations "apps" not found' });
    const error = new ApiException(404, 'Unknown API Status Code!', body, { 'x-secret': 'header-value-1' });
    expect(error.message).toContain('header-value-1'); // what client-node itself would print
    expect(describeError(error)).toBe('HTTP 404 Not Found: kustomizations "apps" not found');
  });

  it('explains a status without a body', () => {
    expect(describeError(new ApiException(429, 'x', undefined, {}))).toBe(
      'HTTP 429 Too Many Requests: the API server is throttling requests',
    );
    expect(describeError(new ApiException(502, 'x', undefined, {}))).toBe('HTTP 502 Bad Gateway');
  });

  it('shows the network cause and the server URL for fetch failures', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND api.private.example'), {
      code: 'ENOTFOUND',
    });
    const error = new TypeError('fetch failed', { cause });
    expect(describeError(error, 'https://api.private.example:443')).toBe(
      'cannot reach the API server https://api.private.example:443: getaddrinfo ENOTFOUND api.private.example (the host name does not resolve: a private cluster the runner cannot see?)',
    );
  });

  it('finds the coded cause under an undici wrapper', () => {
    const inner = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    const error = new TypeError('fetch failed', { cause: new Error('connect failed', { cause: inner }) });
    expect(describeError(error, 'https://k:6443')).toBe(
      "cannot reach the API server https://k:6443: CERT_HAS_EXPIRED: certificate has expired (the server's certificate has expired)",
    );
  });

  it('keeps any other error to one line, and passes already-explained errors through', () => {
    expect(describeError(new Error('first line\n  second line'))).toBe('first line second line');
    expect(describeError('plain string')).toBe('plain string');
    expect(describeError(new ClusterAccessError('The exec plugin `aws` failed: boom'))).toBe(
      'The exec plugin `aws` failed: boom',
    );
  });

  it('prefixes context and keeps the status code for callers', () => {
    const wrapped = withContext(
      'Kustomization flux-system/apps',
      new ApiException(409, 'x', '{"message":"conflict"}', {}),
    );
    expect(wrapped.message).toBe('Kustomization flux-system/apps: HTTP 409 Conflict: conflict');
    expect((wrapped as unknown as { statusCode: number }).statusCode).toBe(409);
  });
});
