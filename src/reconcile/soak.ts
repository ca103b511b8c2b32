// The soak (`stable-for`), a stage the run loop drives once everything is Ready, rolled out and answering:
// what the watches see is judged on every change against what they saw when it began (soak-verdict.ts), the
// `verify-url`s are asked again every few seconds, and the first change ends it. It counts inside the run's
// deadline: a soak that cannot fit is not started, and one the deadline cuts short is not held.
import { sleep } from '../base/backoff.js';
import { timerDelay } from '../base/deadline.js';
import { formatDuration } from '../base/duration.js';
import { errorMessage } from '../base/error-message.js';
import type { VerifyUrl } from '../inputs/types.js';
import { askOnce, type Prober } from './probe.js';
import {
  type SoakBaseline,
  type SoakChange,
  type SoakSubjects,
  soakBaseline,
  soakChange,
} from './soak-verdict.js';
import type { ProbeResult, SoakRecord } from './types.js';

export interface SoakOptions {
  stableForMs: number;
  /** The run's deadline, epoch ms; `timeoutMs` is the input it came from, for messages. */
  deadline: number;
  timeoutMs: number;
  urls: readonly VerifyUrl[];
  prober: Prober;
  /** What the watches see now. */
  subjects(): SoakSubjects;
  hooks?: { started?(stableForMs: number, watched: SoakRecord['watched']): void };
}

export interface SoakEnding {
  record: SoakRecord;
  /** What the cluster changed, when that broke it. */
  change?: SoakChange;
  /** The answer that broke it, when a URL did. */
  probe?: ProbeResult;
}

// How often the URLs are asked during the soak: often enough to notice a blip, seldom enough to be no load.
const MAX_PROBE_INTERVAL_MS = 5_000;
const MIN_PROBE_INTERVAL_MS = 1_000;

export class Soak {
  private baseline: SoakBaseline = { available: new Map(), restarts: new Map(), exited: new Set() };
  private startedAt = 0;
  private watched: SoakRecord['watched'] = { objects: 0, workloads: 0, pods: 0, urls: 0 };
  private readonly stopping = new AbortController();
  private timer?: NodeJS.Timeout;
  private settle: (ending: SoakEnding) => void = () => {};
  private ending?: SoakEnding;
  /** Resolves with the ending, however it came. */
  readonly ended: Promise<SoakEnding>;

  constructor(private readonly options: SoakOptions) {
    this.ended = new Promise<SoakEnding>((resolve) => {
      this.settle = resolve;
    });
  }

  /** Runs the soak; resolves when it held, broke, or was cut short. */
  run(): Promise<SoakEnding> {
    const { stableForMs, deadline, timeoutMs } = this.options;
    const now = Date.now();
    const left = deadline - now;
    const subjects = this.options.subjects();
    this.watched = {
      objects: subjects.objects.length,
      workloads: subjects.workloads.length,
      pods: subjects.workloads.reduce((n, w) => n + w.pods.length, 0),
      urls: this.options.urls.length,
    };
    this.startedAt = now;
    const ended = this.ended;
    if (left < stableForMs) {
      this.end({
        cutShort: `not started: ${formatDuration(Math.max(0, left))} of the ${formatDuration(timeoutMs)} timeout were left, and the soak needs ${formatDuration(stableForMs)}; raise timeout`,
      });
      return ended;
    }
    this.baseline = soakBaseline(subjects);
    this.options.hooks?.started?.(stableForMs, this.watched);
    this.timer = setTimeout(() => this.end({}), timerDelay(stableForMs));
    if (this.options.urls.length) void this.askDuringSoak();
    this.check();
    return ended;
  }

  /** Something the watches see changed: judge it against the start. */
  check(): void {
    if (this.ending || this.startedAt === 0 || this.timer === undefined) return;
    try {
      const subjects = this.options.subjects();
      this.baseline = soakBaseline(subjects, this.baseline);
      const change = soakChange(this.baseline, subjects);
      if (change) this.end({ change });
    } catch (error) {
      // Called from a watch: what went wrong ends the soak unheld, never the watch.
      this.stop(`the soak could not judge a change (${errorMessage(error)})`);
    }
  }

  /** The run's deadline came, or the job was cancelled: the soak did not hold its whole time. */
  stop(why: string): void {
    if (this.ending) return;
    if (this.timer === undefined) {
      this.end({ cutShort: why });
      return;
    }
    const elapsed = formatDuration(Date.now() - this.startedAt);
    this.end({ cutShort: `${why} ${elapsed} into the ${formatDuration(this.options.stableForMs)} soak` });
  }

  private async askDuringSoak(): Promise<void> {
    const interval = Math.min(
      MAX_PROBE_INTERVAL_MS,
      Math.max(MIN_PROBE_INTERVAL_MS, this.options.stableForMs / 4),
    );
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      await sleep(interval, signal);
      if (signal.aborted) return;
      for (const url of this.options.urls) {
        const result = await askOnce(this.options.prober, url, signal);
        if (signal.aborted) return;
        if (!result.ok) {
          this.end({ probe: result });
          return;
        }
      }
    }
  }

  private end(how: { change?: SoakChange; probe?: ProbeResult; cutShort?: string }): void {
    if (this.ending) return;
    clearTimeout(this.timer);
    this.stopping.abort();
    const now = Date.now();
    const record: SoakRecord = {
      stableForMs: this.options.stableForMs,
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: new Date(now).toISOString(),
      held: !how.change && !how.probe && !how.cutShort,
      watched: this.watched,
    };
    const broke = how.change ?? (how.probe ? { what: probeWords(how.probe), at: how.probe.at } : undefined);
    if (broke) {
      const at = Date.parse(broke.at ?? '');
      const when = Number.isFinite(at) ? at : now;
      record.broke = {
        at: new Date(when).toISOString(),
        afterMs: Math.max(0, when - this.startedAt),
        what: broke.what,
      };
    }
    if (how.cutShort) record.cutShort = how.cutShort;
    this.ending = {
      record,
      ...(how.change ? { change: how.change } : {}),
      ...(how.probe ? { probe: how.probe } : {}),
    };
    this.settle(this.ending);
  }
}

/** `https://app/healthz answered 503, expected any 2xx` */
function probeWords(result: ProbeResult): string {
  return `${result.url} ${result.why ?? (result.error ? `got no answer: ${result.error}` : 'did not answer as expected')}`;
}
