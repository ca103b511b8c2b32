// The one way the action turns a thrown value into words: an Error's message (with its cause when the
// message alone hides it, as Node's `fetch failed` does), anything else as a string.

/** What went wrong, in one string; never a stack trace. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = error.message || error.name;
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !message.includes(cause) ? `${message}: ${cause}` : message;
}
