// The one warning a failed report becomes: what could not be posted and why, the permission each part
// needs, and the `permissions:` block to paste. The run's own result is never changed by it.
import { oneLine, shorten } from '../../base/text.js';
import { DeadlineError } from '../../github/budget.js';

export type Part = 'deployment' | 'status' | 'comment';

export const PERMISSION: Record<Part, string> = {
  deployment: 'deployments: write',
  status: 'statuses: write',
  comment: 'pull-requests: write',
};

export interface ReportFailure {
  part: Part;
  /** What was being done, e.g. `create the deployment`. */
  doing: string;
  /** The HTTP status, when GitHub answered. */
  status?: number;
  /** GitHub's message, or what went wrong on the way. */
  message: string;
  /** GitHub's `X-Accepted-GitHub-Permissions` header: what the call needs, e.g. `statuses=write`. */
  accepted?: string;
}

interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown; headers?: Record<string, unknown> };
}

const MESSAGE_CHARS = 300;

/** A failure from whatever a call threw: an Octokit RequestError, the deadline, a network error. */
export function failureOf(part: Part, doing: string, error: unknown): ReportFailure {
  if (error instanceof DeadlineError) return { part, doing, message: error.message };
  const e = (typeof error === 'object' && error !== null ? error : {}) as RequestErrorLike;
  const data = e.response?.data as { message?: unknown } | undefined;
  const said = typeof data?.message === 'string' ? data.message : String(e.message ?? error);
  const message = shorten(oneLine(said), MESSAGE_CHARS).text;
  const accepted = e.response?.headers?.['x-accepted-github-permissions'];
  // Octokit says 500 for an answer that never came (connection refused, aborted): no status then.
  const answered = e.response !== undefined && typeof e.status === 'number';
  return {
    part,
    doing,
    message: message || 'no message',
    ...(answered ? { status: e.status as number } : {}),
    ...(typeof accepted === 'string' && accepted !== '' ? { accepted: oneLine(accepted) } : {}),
  };
}

const isRateLimit = (f: ReportFailure): boolean => /rate limit/i.test(f.message);

function hint(f: ReportFailure): string {
  if (f.status === 403 && !isRateLimit(f)) {
    const needs = f.accepted ? `GitHub says it needs ${f.accepted}` : `needs ${PERMISSION[f.part]}`;
    const fork =
      f.part === 'comment'
        ? '; a pull request from a fork gets a read-only token whatever permissions say'
        : '';
    return ` (${needs}${fork})`;
  }
  if (f.status === 404) return ' (the repository, commit or pull request is not visible to this token)';
  return '';
}

function line(f: ReportFailure): string {
  const answer = f.status !== undefined ? `HTTP ${f.status} ${f.message}` : f.message;
  return `- ${f.doing}: ${answer}${hint(f)}`;
}

/**
 * The one warning of a run: what could not be posted and why, and, when GitHub refused or failed a call,
 * the block that grants what the asked-for parts need.
 */
export function reportWarning(
  problems: readonly string[],
  failures: readonly ReportFailure[],
  asked: readonly Part[],
): string {
  const lines = ['Could not report to GitHub; the result of the run stands as it is:'];
  lines.push(...problems.map((p) => `- ${p}`), ...failures.map(line));
  if (failures.length > 0) {
    const parts = (['deployment', 'status', 'comment'] as const).filter((p) => asked.includes(p));
    lines.push(
      `The job's token needs ${parts.map((p) => PERMISSION[p]).join(', ')}. Add to the workflow or the job:`,
      'permissions:',
      '  contents: read',
      ...parts.map((p) => `  ${PERMISSION[p]}`),
    );
  }
  return lines.join('\n');
}
