// Whether two git remote URLs name the same repository, and which GitHub repository a source URL names.
// A GitRepository may say `ssh://git@github.com/Org/App` while actions/checkout cloned
// `https://github.com/org/app`: the same repository, written differently.

export interface RepositoryLocation {
  /** Lower-case host name, without port or credentials. */
  host: string;
  /** An explicit port other than the scheme's default; undefined otherwise. */
  port?: string;
  /** Lower-case path without leading or trailing slashes and without `.git`: `owner/repo`. */
  path: string;
}

const DEFAULT_PORTS: Record<string, string> = {
  'http:': '80',
  'https:': '443',
  'ssh:': '22',
  'git:': '9418',
};
// scp-like syntax: `[user@]host:path`, where the path does not start with `//` (that would be a URL) nor
// with `:` (`<transport>::<address>` runs a remote helper, such as ext::, which runs a command).
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(?!\/\/|:)(\S+)$/;

/** `/Owner/Repo.git/` → `Owner/Repo`: slashes and `.git` dropped, percent-escapes decoded, case kept. */
function cleanPath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: compare it as written.
  }
  return decoded
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
}

interface UrlParts {
  host: string;
  port?: string;
  /** The path as written, case kept. */
  path: string;
}

/**
 * `.`, `..` and empty segments name no repository: `git@host:../..` would become owner `..`, repo `..` in a
 * GitHub API request sent with the token, which the server resolves to another path.
 */
function hasOddSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
}

function splitUrl(url: string): UrlParts | undefined {
  const parts = splitUrlAsWritten(url);
  return parts && !hasOddSegment(parts.path) ? parts : undefined;
}

function splitUrlAsWritten(url: string): UrlParts | undefined {
  const text = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const port = parsed.port && parsed.port !== DEFAULT_PORTS[parsed.protocol] ? parsed.port : undefined;
    return { host, port, path: cleanPath(parsed.pathname) };
  }
  const scp = SCP_LIKE.exec(text);
  return scp ? { host: scp[1]!.toLowerCase().replace(/^\[|\]$/g, ''), path: cleanPath(scp[2]!) } : undefined;
}

/** Host and path of a remote URL (https, http, ssh, git, or scp-like `git@host:owner/repo`); undefined if not one. */
export function parseRepositoryUrl(url: string): RepositoryLocation | undefined {
  const parts = splitUrl(url);
  if (!parts || parts.host === '' || parts.path === '') return undefined;
  const location: RepositoryLocation = { host: parts.host, path: parts.path.toLowerCase() };
  if (parts.port) location.port = parts.port;
  return location;
}

/**
 * True when both URLs name the same repository: same host and path, ignoring scheme, credentials, case,
 * a `.git` suffix and slashes. Ports count only when both URLs give one (https and ssh differ by nature).
 */
export function sameRepository(a: string, b: string): boolean {
  const left = parseRepositoryUrl(a);
  const right = parseRepositoryUrl(b);
  if (!left || !right) return false;
  if (left.host !== right.host || left.path !== right.path) return false;
  return left.port === undefined || right.port === undefined || left.port === right.port;
}

/** A URL as people may see it: `host[:port]/path`, without scheme or credentials. */
export function displayRepository(url: string): string {
  const location = parseRepositoryUrl(url);
  if (!location) return url.replace(/\/\/[^/@\s]*@/, '//');
  return `${location.host}${location.port ? `:${location.port}` : ''}/${location.path}`;
}

export interface GitHubRepository {
  owner: string;
  repo: string;
}

/**
 * The `owner/repo` a source URL names on the GitHub server at `serverUrl` (github.com or an Enterprise
 * Server), or undefined when the URL points elsewhere. Owner and repository keep their case for the API
 * (it ignores case anyway).
 */
export function githubRepositoryOf(sourceUrl: string, serverUrl: string): GitHubRepository | undefined {
  const source = splitUrl(sourceUrl);
  // The server's own path is empty (https://github.com): only the host and port count.
  const server = splitUrlAsWritten(serverUrl);
  if (!source || !server || source.host !== server.host) return undefined;
  if (source.port !== undefined && server.port !== undefined && source.port !== server.port) return undefined;
  const parts = source.path.split('/');
  if (parts.length !== 2 || !parts.every((part) => /^[A-Za-z0-9_.-]+$/.test(part))) return undefined;
  return { owner: parts[0]!, repo: parts[1]! };
}

/**
 * The REST API base for a GitHub server: api.github.com for github.com, `api.<host>` for GHE.com
 * (data residency), `<server>/api/v3` for GitHub Enterprise Server.
 */
export function defaultApiUrl(serverUrl: string): string {
  const server = serverUrl.replace(/\/+$/, '');
  let host: string;
  try {
    host = new URL(server).hostname.toLowerCase();
  } catch {
    return `${server}/api/v3`;
  }
  if (host === 'github.com') return 'https://api.github.com';
  if (host.endsWith('.ghe.com')) return `https://api.${host}`;
  return `${server}/api/v3`;
}
