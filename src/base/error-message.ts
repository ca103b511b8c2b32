// The one way the action turns a thrown value into words: an Error's message (with its cause when the
// message alone hides it, as Node's `fetch failed` does), anything else as a string. Every fatal message
// passes here, so the user info of any URL a library quoted is hidden here.
import { hideUrlCredentials } from './url-credentials.js';

/** What went wrong, in one string; never a stack trace, never a URL's user info. */
export function errorMessage(error: unknown): string {
  return hideUrlCredentials(rawMessage(error));
}

function rawMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message || error.name;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}
