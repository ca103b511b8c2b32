// One GET against the GitHub REST API, with the runner's proxy settings (HTTPS_PROXY, NO_PROXY) through
// @actions/http-client, and an end when the caller's signal aborts. The ancestry lookup needs nothing
// more; should the project adopt @actions/github's octokit, this file is the one to change.
import { HttpClient } from '@actions/http-client';

export interface GitHubResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type GitHubGet = (
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<GitHubResponse>;

const USER_AGENT = 'flux-reconcile';
// An idle socket this long means the answer is not coming; the caller asks again later.
const SOCKET_TIMEOUT_MS = 30_000;
const MAX_BODY = 16 << 20;

export class GitHubRequestAborted extends Error {
  constructor() {
    super('the request was stopped');
  }
}

export const githubGet: GitHubGet = async (url, headers, signal) => {
  if (signal?.aborted) throw new GitHubRequestAborted();
  // keepAlive gives the client its own agent, which dispose() destroys: that is what ends a request early.
  const client = new HttpClient(USER_AGENT, [], {
    allowRetries: false,
    keepAlive: true,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      client.dispose();
      reject(new GitHubRequestAborted());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const response = await Promise.race([client.get(url, headers), aborted]);
    const body = await Promise.race([readBody(response.message), aborted]);
    return { status: response.message.statusCode ?? 0, headers: response.message.headers, body };
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
    client.dispose();
  }
};

async function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    // A compare answer lists at most 300 changed files with their patches; more than this is not one.
    if (size > MAX_BODY) throw new Error(`the answer is larger than ${MAX_BODY >> 20} MiB`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
