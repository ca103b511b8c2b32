// User info in URLs (`scheme://user:password@host`), hidden wherever text may quote a URL: client errors,
// controller messages, a kubeconfig server that is not a URL. Below report/ and kube/ so both use it.
// Also which URLs point at the runner itself, for the rules on plain http.

/** Counts the characters a scan looks at, for the test that proves a scan linear. */
export interface StepCounter {
  count: number;
}

// The longest URL scheme looked for before `://` (`git+ssh`, `oci`, `https`: a few letters).
const MAX_SCHEME_CHARS = 32;
const isSchemeChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9+.-]/.test(c);
const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
// Where a URL's user info ends: `@` ends it, anything else here means there was none.
const endsUserInfo = (c: string | undefined) => c === undefined || /[\s/?#@]/.test(c);

/**
 * Replaces the user info of every URL (`scheme://user:password@host`) with `***`. Client errors quote the
 * URL they called, and the runner masks only the secrets it was told about. One pass: each `://` looks
 * back a bounded way for its scheme and forward to the end of its user info, so the work grows linearly
 * with the text (a regex written for this was quadratic on long runs of letters).
 */
export function hideUrlCredentials(text: string, steps: StepCounter = { count: 0 }): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', from)) {
    steps.count += at - from + 1;
    let start = at;
    while (start > copied && at - start < MAX_SCHEME_CHARS && isSchemeChar(text[start - 1])) {
      start--;
      steps.count++;
    }
    while (start < at && !isLetter(text[start])) start++;
    let end = at + 3;
    while (!endsUserInfo(text[end])) {
      end++;
      steps.count++;
    }
    if (start < at && text[end] === '@' && end > at + 3) {
      out += `${text.slice(copied, at + 3)}***@`;
      copied = end + 1;
    }
    // The user info holds no `/`, so the next `://` starts at its last character at the earliest.
    from = Math.max(at + 1, end - 1);
  }
  // The last search looked at the rest of the text and found no `://`.
  steps.count += Math.max(0, text.length - from);
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The user info of one URL-like value as a person typed it, scheme or not (`user:pass@host/path` too), for
 * an input quoted in an error message: the value may be no URL at all, so the text scan above would miss it.
 */
export function hideUserInfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s]*@/i, '$1***@');
}

/**
 * 127.0.0.0/8, ::1 and localhost: a server on the runner itself, with no network path between it and the
 * action for anyone to tamper with (so plain http to it is safe).
 */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
