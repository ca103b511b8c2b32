// What GitHub answers, in its own shapes: the error bodies (404, 409, 422 Validation Failed, 403 with the
// accepted permissions, rate limits), and the ids and names the fake GitHub uses. Part of github-api.ts.
import type { Permission } from './github-api.js';

export const DOCS = 'https://docs.github.com/rest';
export const REPOSITORY_ID = 583_231;
export const BOT = { login: 'github-actions[bot]', id: 41_898_282, type: 'Bot' as const };
export const SHA = /^[0-9a-f]{40}$/;

export type Answer = [number, unknown] | [number, unknown, Record<string, string>];

export class HttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(String(body.message));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export const notFound = (docs: string) =>
  new HttpError(404, { message: 'Not Found', documentation_url: docs, status: '404' });

export function validationFailed(resource: string, field: string, message: string, docs: string): HttpError {
  return new HttpError(422, {
    message: 'Validation Failed',
    errors: [{ resource, code: 'custom', field, message }],
    documentation_url: docs,
    status: '422',
  });
}

export function forbidden(permission: Permission, docs: string): HttpError {
  const accepted =
    permission === 'pull_requests'
      ? 'issues=write; pull_requests=write'
      : permission === 'contents'
        ? 'contents=read'
        : `${permission}=write`;
  return new HttpError(
    403,
    { message: 'Resource not accessible by integration', documentation_url: docs, status: '403' },
    { 'x-accepted-github-permissions': accepted },
  );
}

export function rateLimited(kind: 'primary' | 'secondary', seconds: number): HttpError {
  if (kind === 'secondary') {
    return new HttpError(
      403,
      {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID F4KE:0.',
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        status: '403',
      },
      { 'retry-after': String(seconds) },
    );
  }
  return new HttpError(
    403,
    {
      message: 'API rate limit exceeded for installation ID 4242.',
      documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`,
      status: '403',
    },
    {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + seconds),
    },
  );
}

export function serverError(status: number): Record<string, unknown> {
  const message =
    status === 502
      ? 'Server Error'
      : status === 503
        ? 'Service Unavailable'
        : status === 500
          ? 'Server Error'
          : 'Error';
  return { message, documentation_url: DOCS, status: String(status) };
}
