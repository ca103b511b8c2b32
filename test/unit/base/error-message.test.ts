// Every fatal message goes through errorMessage: whatever a library quotes (a URL with its user info, in the
// message or in its cause), what reaches the log, the summary and GitHub has no credential.
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../src/base/error-message.js';

describe('errorMessage', () => {
  it('hides the user info of any URL in the message and in its cause', () => {
    const quoted = new TypeError(
      'Request cannot be constructed from a URL that includes credentials: http://flux:pa55word@hooks.example.com/hook/x',
    );
    expect(errorMessage(quoted)).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://***@hooks.example.com/hook/x',
    );
    const wrapped = new Error('fetch failed', {
      cause: new Error('connect to https://user:s3cret@10.0.0.1 refused'),
    });
    expect(errorMessage(wrapped)).toBe('fetch failed: connect to https://***@10.0.0.1 refused');
    expect(errorMessage('git@github.com:org/fleet https://tok3n@github.com/x')).toBe(
      'git@github.com:org/fleet https://***@github.com/x',
    );
  });
});
