// The report to GitHub over one run. The start posts (deployment `in_progress`, status `pending`) go out
// while the reconcile runs, so a slow API never delays it; the final ones after the outputs and the job
// summary are written. Nothing here changes the run's result: whatever fails becomes one warning.
import * as core from '@actions/core';
import { errorMessage } from '../../base/error-message.js';
import { oneLine } from '../../base/text.js';
import type { ObjectRef } from '../../flux/refs.js';
import { type Deadline, deadlineIn, RESERVED_MS } from '../../github/budget.js';
import { createGitHubClient, type GitHubClient, type WriteSpacing } from '../../github/client.js';
import { type Command, commandSpec } from '../../inputs/commands.js';
import type { GitHubReportConfig } from '../../inputs/types.js';
import type { Role } from '../../reconcile/plan.js';
import type { RunResult } from '../../reconcile/types.js';
import type { ReportContext } from '../context.js';
import { type ObjectView, viewOf } from '../view.js';
import { type CommentFooter, commentBody, stoppedCommentBody } from './comment-body.js';
import { postCommitStatus, statusContext } from './commit-status.js';
import { createDeployment, postDeploymentStatus } from './deployment.js';
import { failureOf, type Part, type ReportFailure, reportWarning } from './permissions.js';
import { upsertComment } from './pr-comment.js';
import { type Env, type ReportTarget, reportTarget } from './target.js';
import {
  deploymentDescription,
  type FinalState,
  finalState,
  resultDescription,
  startDescription,
  stoppedDescription,
} from './wording.js';

export interface ReportStart {
  command: Command;
  /** The `revision` input: the reported commit when it names one. */
  revision: string;
  /** The run's objects, requested ones first. */
  objects: readonly ObjectRef[];
  serverHost: string;
  /** The run's timeout: the API calls get it plus a reserved share. */
  timeoutMs: number;
}

/** Where the report speaks: the runner's commands, or a test's lists. */
export interface Sink {
  info(message: string): void;
  warning(message: string): void;
  setOutput(name: string, value: string): void;
  debug?(message: string): void;
}

const CORE_SINK: Sink = {
  info: core.info,
  warning: core.warning,
  setOutput: core.setOutput,
  debug: core.debug,
};

export interface GitHubReport {
  /**
   * Posts the final states and the comment; call after the outputs and the summary are written, with the
   * views the report rendered them from.
   */
  finish(ctx: ReportContext, run: RunResult, views?: ObjectView[]): Promise<void>;
  /** For a run that threw after the start: posts `error`, then throws the error on. */
  stopped(error: unknown): Promise<never>;
}

const OFF: GitHubReport = {
  finish: async () => {},
  stopped: async (error) => {
    throw error;
  },
};

export function askedParts(config: GitHubReportConfig): Part[] {
  const parts: Part[] = [];
  if (config.deployment !== '') parts.push('deployment');
  if (config.commitStatus) parts.push('status');
  if (config.prComment) parts.push('comment');
  return parts;
}

/**
 * Starts the report (in the background) when any part is asked for; otherwise a report that does nothing.
 * `writeSpacing` is for tests: the action keeps GitHub's spacing of writes.
 */
export function startGitHubReport(
  config: GitHubReportConfig,
  start: ReportStart,
  env: Env = process.env,
  sink: Sink = CORE_SINK,
  writeSpacing?: WriteSpacing,
): GitHubReport {
  const asked = askedParts(config);
  if (asked.length === 0 || !commandSpec(start.command).reportsToGitHub) return OFF;
  return new Reporter(config, start, env, sink, asked, writeSpacing);
}

interface Session {
  client: GitHubClient;
  target: ReportTarget;
  deploymentId?: number;
}

const NO_COMMIT = "no commit to report on: 'revision' is not a full commit SHA and GITHUB_SHA is not set";

class Reporter implements GitHubReport {
  private readonly problems: string[] = [];
  private readonly failures: ReportFailure[] = [];
  private readonly done: string[] = [];
  private readonly gaveUp = new Set<Part>();
  private readonly session: Promise<Session | undefined>;
  private readonly context: string;
  private readonly deadline: Deadline;

  constructor(
    private readonly config: GitHubReportConfig,
    private readonly start: ReportStart,
    private readonly env: Env,
    private readonly sink: Sink,
    private readonly asked: Part[],
    private readonly writeSpacing: WriteSpacing | undefined,
  ) {
    this.deadline = deadlineIn(start.timeoutMs + RESERVED_MS);
    this.context = statusContext(config.statusContext, start.serverHost);
    this.session = this.begin().catch((error: unknown) => {
      this.problems.push(`the GitHub client could not start: ${oneLine(errorMessage(error))}`);
      return undefined;
    });
  }

  private async begin(): Promise<Session | undefined> {
    if (this.config.token === '') {
      this.problems.push("the 'token' input is empty; leave it out to use the job's github.token");
      return undefined;
    }
    const target = reportTarget(this.env, { revision: this.start.revision, prNumber: this.config.prNumber });
    if ('problem' in target) {
      this.problems.push(target.problem);
      return undefined;
    }
    const client = await createGitHubClient({
      token: this.config.token,
      apiUrl: target.apiUrl,
      deadline: this.deadline,
      writeSpacing: this.writeSpacing,
    });
    const session: Session = { client, target };
    if ((this.wants('deployment') || this.wants('status')) && !target.sha) this.problems.push(NO_COMMIT);
    if (this.wants('deployment') && target.sha) await this.startDeployment(session, target.sha);
    if (this.wants('status') && target.sha) {
      const sha = target.sha;
      await this.attempt('status', 'post the pending commit status', () =>
        postCommitStatus(client, target, {
          sha,
          context: this.context,
          state: 'pending',
          description: startDescription(this.start.command, this.start.objects, this.start.serverHost),
          targetUrl: target.runUrl,
        }),
      );
    }
    return session;
  }

  private async startDeployment(session: Session, sha: string): Promise<void> {
    const { client, target } = session;
    const { command, objects, serverHost } = this.start;
    const created = await this.attempt('deployment', 'create the deployment', () =>
      createDeployment(client, target, {
        environment: this.config.deployment,
        sha,
        description: deploymentDescription(command, objects, serverHost),
      }),
    );
    session.deploymentId = created?.value;
    if (session.deploymentId === undefined) return;
    this.sink.setOutput('deployment-id', String(session.deploymentId));
    this.sink.info(
      `GitHub: deployment ${session.deploymentId} of ${sha.slice(0, 8)} in ${this.config.deployment}`,
    );
    const id = session.deploymentId;
    await this.attempt('deployment', 'post the deployment status in_progress', () =>
      postDeploymentStatus(client, target, id, {
        state: 'in_progress',
        description: startDescription(command, objects, serverHost),
        logUrl: target.runUrl,
        environmentUrl: this.config.environmentUrl,
      }),
    );
  }

  async finish(ctx: ReportContext, run: RunResult, views = run.results.map(viewOf)): Promise<void> {
    await this.end(finalState(run), resultDescription(run, views), (footer) =>
      commentBody(ctx, run, views, footer),
    );
  }

  async stopped(error: unknown): Promise<never> {
    const message = errorMessage(error);
    await this.end('error', stoppedDescription(message), (footer) => stoppedCommentBody(message, footer));
    throw error;
  }

  private async end(
    state: FinalState,
    description: string,
    body: (f: CommentFooter) => string,
  ): Promise<void> {
    const session = await this.session;
    if (session) {
      const { client, target } = session;
      const id = session.deploymentId;
      if (id !== undefined) {
        const posted = await this.attempt('deployment', `post the deployment status ${state}`, () =>
          postDeploymentStatus(client, target, id, {
            state,
            description,
            logUrl: target.runUrl,
            environmentUrl: this.config.environmentUrl,
          }),
        );
        if (posted !== undefined) this.done.push(`deployment ${id} ${state}`);
      }
      const sha = target.sha;
      if (this.wants('status') && sha) {
        const posted = await this.attempt('status', `post the commit status ${state}`, () =>
          postCommitStatus(client, target, {
            sha,
            context: this.context,
            state,
            description,
            targetUrl: target.runUrl,
          }),
        );
        if (posted !== undefined)
          this.done.push(`commit status ${this.context} ${state} on ${sha.slice(0, 8)}`);
      }
      if (this.wants('comment')) await this.comment(session, body);
    }
    if (this.done.length > 0) this.sink.info(`Reported to GitHub: ${this.done.join('; ')}.`);
    if (this.problems.length > 0 || this.failures.length > 0) {
      this.sink.warning(reportWarning(this.problems, this.failures, this.asked));
    }
  }

  private async comment(session: Session, body: (f: CommentFooter) => string): Promise<void> {
    const { client, target } = session;
    const prNumber = target.prNumber;
    if (prNumber === undefined) {
      // A push or schedule run of a workflow that also runs on pull requests: nothing to comment on.
      this.sink.info(
        "GitHub: no pull request comment: this run is not for a pull request and 'pr-number' is empty.",
      );
      return;
    }
    const text = body({ context: this.context, runUrl: target.runUrl });
    const upserted = await this.attempt('comment', `comment on pull request #${prNumber}`, () =>
      upsertComment(client, { ...target, prNumber }, this.context, text),
    );
    if (upserted) {
      const { id, created, note } = upserted.value;
      if (note) this.sink.debug?.(`GitHub: pull request #${prNumber}: ${note}`);
      this.done.push(`comment ${id} ${created ? 'created' : 'updated'} on pull request #${prNumber}`);
    }
  }

  private wants(part: Part): boolean {
    return this.asked.includes(part);
  }

  /**
   * Runs one call: its value when it succeeded; undefined when it failed (kept for the warning) or was not
   * tried because GitHub already refused that part.
   */
  private async attempt<T>(
    part: Part,
    doing: string,
    call: () => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    if (this.gaveUp.has(part)) return undefined;
    try {
      return { value: await call() };
    } catch (error) {
      const failure = failureOf(part, doing, error);
      this.failures.push(failure);
      // No answer (network, deadline) or bad credentials: every other call would fail the same way.
      if (failure.status === undefined || failure.status === 401)
        for (const p of this.asked) this.gaveUp.add(p);
      else if (failure.status === 403 || failure.status === 404) this.gaveUp.add(part);
      return undefined;
    }
  }
}

/** The run's objects for the start hook: those asked for first, then their sources and children. */
export function reportedObjects(objects: ReadonlyArray<{ ref: ObjectRef; role: Role }>): ObjectRef[] {
  return [
    ...objects.filter((o) => o.role === 'requested'),
    ...objects.filter((o) => o.role !== 'requested'),
  ].map((o) => o.ref);
}
