// Exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin, ...): @kubernetes/client-node runs them;
// this turns its failures into messages that say which program and what to do.
import { basename } from 'node:path';
import type { User } from '@kubernetes/client-node';
import { redact } from '../../base/secrets.js';
import { hideUrlCredentials } from '../../base/url-credentials.js';
import { ClusterAccessError } from '../errors.js';

interface ExecSpec {
  command?: unknown;
}

const INSTALL_HINTS: Record<string, string> = {
  aws: 'install the AWS CLI (GitHub-hosted runners have it; aws-actions/configure-aws-credentials sets up its credentials)',
  'aws-iam-authenticator': 'install aws-iam-authenticator, or switch the kubeconfig to `aws eks get-token`',
  'gke-gcloud-auth-plugin':
    'run `gcloud components install gke-gcloud-auth-plugin`, or use google-github-actions/setup-gcloud with `install_components: gke-gcloud-auth-plugin`',
  gcloud: 'use google-github-actions/setup-gcloud in an earlier step',
  kubelogin: 'use azure/use-kubelogin in an earlier step',
  doctl: 'use digitalocean/action-doctl in an earlier step',
};

/** The exec plugin program of a kubeconfig user, if it authenticates with one. */
export function execCommandOf(user: User | null | undefined): string | undefined {
  const exec = (user?.exec ?? user?.authProvider?.config?.exec) as ExecSpec | undefined;
  return typeof exec?.command === 'string' ? exec.command : undefined;
}

function installHint(command: string): string {
  const name = basename(command).replace(/\.(exe|cmd|bat)$/i, '');
  return INSTALL_HINTS[name] ?? `install it, or put it on PATH in an earlier step`;
}

/** The plugin's stderr may echo its arguments or credentials: it goes through the same redaction as the log. */
function stderrSummary(stderr: string): string {
  // Only the end is shown: redact no more than that.
  const lines = redact(hideUrlCredentials(stderr.slice(-16_384)))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return 'it printed nothing on stderr';
  // The last lines are where CLIs put the reason; keep the message to one readable line.
  return lines.slice(-5).join(' | ');
}

/**
 * client-node rejects with `new Error(stderr)` when the plugin exits non-zero: a plain Error without a
 * code. Its own "HTTP protocol is not allowed" has the same shape but comes after the plugin ran.
 */
function isPluginExit(error: unknown): error is Error {
  return (
    error instanceof Error &&
    error.constructor === Error &&
    !('code' in error) &&
    !error.message.startsWith('HTTP protocol is not allowed')
  );
}

/** Explains a failure of the user's exec plugin; other errors are returned unchanged. */
export function explainExecFailure(error: unknown, user: User | null | undefined): unknown {
  const command = execCommandOf(user);
  if (!command) return error;
  const err = error as { code?: unknown; syscall?: unknown; message?: unknown; name?: unknown };
  if (err?.code === 'ENOENT' && typeof err.syscall === 'string' && err.syscall.startsWith('spawn')) {
    return new ClusterAccessError(
      `The kubeconfig's user "${user?.name}" authenticates with the exec plugin \`${command}\`, ${
        command.includes('/') || command.includes('\\') ? 'which does not exist' : 'which is not on PATH'
      }: ${installHint(command)}.`,
    );
  }
  if (err?.code === 'EACCES' && typeof err.syscall === 'string' && err.syscall.startsWith('spawn')) {
    return new ClusterAccessError(`The exec plugin \`${command}\` cannot be run (permission denied).`);
  }
  if (err?.name === 'SyntaxError') {
    return new ClusterAccessError(
      `The exec plugin \`${command}\` did not print an ExecCredential (its output is not JSON).`,
    );
  }
  if (isPluginExit(error)) {
    return new ClusterAccessError(`The exec plugin \`${command}\` failed: ${stderrSummary(error.message)}`);
  }
  return error;
}
