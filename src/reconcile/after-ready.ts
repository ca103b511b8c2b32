// The checks after Ready, the stages the run loop drives past its Flux objects: the rollout of the workloads
// each Ready object applied (rollout.ts), then, once everything is Ready and rolled out, the `verify-url`s
// asked until they answer as expected (leaving the soak its time), then the soak (`stable-for`). A stage not
// asked for is skipped; the next one runs only when the last went well.
import { timerDelay } from '../base/deadline.js';
import { formatDuration, formatTime } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import { describeRef, type ObjectRef, refKey } from '../flux/refs.js';
import type { FluxObject } from '../flux/types.js';
import type { WorkloadRef } from '../flux/workload-scope.js';
import type { VerifyUrl, WorkloadsMode } from '../inputs/types.js';
import type { ClusterApi } from '../kube/api.js';
import { askUntilAnswered, Prober } from './probe.js';
import { expectedWords } from './probe-verdict.js';
import { Rollout, type RolloutHooks } from './rollout.js';
import { Soak, type SoakEnding } from './soak.js';
import type { SoakSubjects } from './soak-verdict.js';
import type { FluxResult, ProbeResult, SoakRecord, WorkloadResult } from './types.js';
import { podsOfNewVersion, type WorkloadVerdict } from './workload-verdict.js';
import { WorkloadWatches } from './workload-watches.js';

export interface AfterReadyHooks extends RolloutHooks {
  probed?(result: ProbeResult): void;
  soakStarted?(stableForMs: number, watched: SoakRecord['watched']): void;
  soakEnded?(record: SoakRecord): void;
  debug?(message: string): void;
}

export interface AfterReadyOptions {
  api: ClusterApi;
  /** The run's registry of watches, and the signal that ends them. */
  registry: Map<string, Promise<void>>;
  signal: AbortSignal;
  /** `never` judges no workload (and the soak watches none). */
  workloads: WorkloadsMode;
  stableForMs: number;
  urls: readonly VerifyUrl[];
  failFastGraceMs: number;
  /** The run's deadline, epoch ms, and the `timeout` input it came from. */
  deadline: number;
  timeoutMs: number;
  /** The Flux objects that ended Ready, as the run sees them now. */
  readyObjects(): Array<{ ref: ObjectRef; obj: FluxObject }>;
  later(work: () => void, delayMs: number): void;
  /** A workload ended: the run may be done. */
  settled(): void;
  hooks?: AfterReadyHooks;
}

export class AfterReady {
  readonly probes: ProbeResult[] = [];
  ending?: SoakEnding;
  private readonly rollout?: Rollout;
  private readonly prober = new Prober();
  private readonly stopping = new AbortController();
  private soak?: Soak;

  constructor(private readonly options: AfterReadyOptions) {
    if (options.workloads === 'never') return;
    const watches = new WorkloadWatches({
      api: options.api,
      registry: options.registry,
      signal: options.signal,
      changed: (namespace) => {
        this.rollout?.changed(namespace);
        this.soak?.check();
      },
      debug: options.hooks?.debug,
    });
    this.rollout = new Rollout({
      mode: options.workloads,
      soak: options.stableForMs > 0,
      failFastGraceMs: options.failFastGraceMs,
      watches,
      later: options.later,
      settled: options.settled,
      hooks: options.hooks,
    });
  }

  /** An object is Ready: the workloads it applied are judged from now on. */
  begin(result: FluxResult): void {
    this.rollout?.begin(result);
  }

  /** A soak will watch the Ready objects after the run: their watches must stay open. */
  get soaks(): boolean {
    return this.options.stableForMs > 0;
  }

  /** Every workload found so far has ended: the Flux objects' part of the run decides the rest. */
  get rolledOut(): boolean {
    return this.rollout?.settled ?? true;
  }

  resultsOf(parent: ObjectRef): WorkloadResult[] {
    return this.rollout?.resultsOf(parent) ?? [];
  }

  /** A Flux object changed. */
  check(): void {
    this.soak?.check();
  }

  /**
   * Probes, then the soak, when asked for. Never throws: a stage that breaks down is a failed check (a URL
   * not answered, a soak not held), never a green run.
   */
  async verify(): Promise<void> {
    try {
      if (this.options.urls.length && !(await this.probeAll())) return;
      if (this.options.stableForMs > 0) await this.soakFor();
    } finally {
      await this.prober.close();
    }
  }

  /** Asks every URL until it answers as expected; whether all did. */
  private async probeAll(): Promise<boolean> {
    const { urls, stableForMs, deadline, hooks } = this.options;
    // The soak keeps its time: the URLs must answer before it has to begin.
    const until = deadline - stableForMs;
    const signal = AbortSignal.any([
      this.stopping.signal,
      AbortSignal.timeout(timerDelay(until - Date.now())),
    ]);
    const answered = await Promise.all(
      urls.map((url) =>
        askUntilAnswered(this.prober, url, until, signal).catch(
          (error: unknown): ProbeResult => ({
            url: url.url,
            expected: expectedWords(url),
            ok: false,
            stage: 'ready',
            attempts: 0,
            elapsedMs: 0,
            error: `could not be asked: ${errorMessage(error)}`,
            at: new Date().toISOString(),
          }),
        ),
      ),
    );
    for (const result of answered) hooks?.probed?.(result);
    this.probes.push(...answered);
    return answered.every((r) => r.ok) && !this.stopping.signal.aborted;
  }

  private async soakFor(): Promise<void> {
    const { stableForMs, deadline, urls, hooks } = this.options;
    this.soak = new Soak({
      stableForMs,
      deadline,
      timeoutMs: this.options.timeoutMs,
      urls,
      prober: this.prober,
      subjects: () => this.subjects(),
      hooks: { started: hooks?.soakStarted },
    });
    try {
      this.ending = await this.soak.run();
    } catch (error) {
      this.soak.stop(`the soak could not run (${errorMessage(error)})`);
      this.ending = await this.soak.ended;
    }
    if (this.ending.probe) this.probes.push(this.ending.probe);
    hooks?.soakEnded?.(this.ending.record);
  }

  /** The deadline came: the rollouts not done end timed out, the URLs are asked no more, the soak ends. */
  timeOut(why: string): void {
    this.rollout?.timeOut(this.options.timeoutMs);
    this.stop(why);
  }

  /** The job was cancelled. */
  cancel(): void {
    this.rollout?.cancel();
    this.stop('the job was cancelled');
  }

  private stop(why: string): void {
    this.stopping.abort();
    this.soak?.stop(why);
  }

  /** Answered as expected and held, or not asked for. */
  get ok(): boolean {
    return this.probes.every((p) => p.ok) && (!this.ending || this.ending.record.held);
  }

  /** The workloads still rolling out, for the heartbeat. */
  rollingOut(): Array<{ ref: WorkloadRef; verdict?: WorkloadVerdict; elapsedMs: number }> {
    const now = Date.now();
    return (this.rollout?.workloads() ?? [])
      .filter((w) => w.judged && !w.done)
      .map((w) => ({ ref: w.ref, verdict: w.verdict, elapsedMs: now - w.startedAt }));
  }

  /**
   * A change broke the soak: the result it is about fails, in words that say what changed and when. A
   * workload the run only watched (its controller checked it) fails its parent.
   */
  applyBreak(fluxResult: (key: string) => FluxResult | undefined): void {
    const change = this.ending?.change;
    const broke = this.ending?.record.broke;
    if (!change || !broke) return;
    const message = `${change.what} at ${formatTime(broke.at)}, ${formatDuration(broke.afterMs)} into the ${formatDuration(this.options.stableForMs)} soak`;
    const workload = this.rollout?.workloads().find((w) => w.key === change.subject);
    const target: FluxResult | WorkloadResult | undefined =
      workload?.result ?? fluxResult(workload ? refKey(workload.parent) : change.subject);
    if (!target) return;
    Object.assign(target, { outcome: 'failed', ok: false, reason: change.reason, message });
  }

  /** What the soak watches: the Ready objects, and the rolled-out workloads with their pods. */
  private subjects(): SoakSubjects {
    const objects = this.options
      .readyObjects()
      .map(({ ref, obj }) => ({ key: refKey(ref), title: describeRef(ref), obj }));
    // A workload whose kind is not listed yet is not seen yet: it joins the soak once it is.
    const workloads = (this.rollout?.workloads() ?? [])
      .filter((w) => (!w.result || w.result.outcome === 'ready') && this.rollout!.sight(w.ref).listed)
      .map((w) => {
        const sight = this.rollout!.sight(w.ref);
        return {
          key: w.key,
          title: describeRef(w.ref),
          kind: w.ref.kind,
          obj: sight.object,
          pods: sight.object ? podsOfNewVersion(sight, sight.object) : [],
        };
      });
    return { objects, workloads };
  }
}
