// Whether two git URLs name the same repository, loosely: a GitRepository may say
// ssh://git@github.com/org/fleet while the checkout's remote says https://github.com/Org/fleet.git.

/**
 * `host/path`, lower-cased, without scheme, user, port, `.git` suffix or trailing slash. SCP-like
 * `git@host:org/repo` becomes `host/org/repo`. Undefined for anything that is not a remote URL.
 */
export function repoKey(url: string): string | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  const scpLike = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/.exec(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    path = decodeURIComponent(parsed.pathname);
  } else if (scpLike) {
    host = scpLike[1]!;
    path = scpLike[2]!;
  } else {
    return undefined;
  }
  const cleanPath = path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  if (!host || !cleanPath) return undefined;
  return `${host}/${cleanPath}`.toLowerCase();
}

export function sameRepository(a: string, b: string): boolean {
  const keyA = repoKey(a);
  return keyA !== undefined && keyA === repoKey(b);
}
