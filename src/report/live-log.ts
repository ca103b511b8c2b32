// The live log of a run: the run loop's hooks, each printing the line log.ts formats for it.
import * as core from '@actions/core';
import type { RunHooks } from '../reconcile/run.js';
import {
  failingLine,
  followedLine,
  heartbeatLine,
  noteLine,
  probeLine,
  requestedLine,
  rollingOutLine,
  soakEndedLine,
  soakStartedLine,
  verdictLine,
  workloadsFoundLine,
} from './log.js';
import { viewOf } from './view.js';

export function liveLogHooks(): RunHooks {
  return {
    requested: (planned, request) =>
      core.info(requestedLine(planned.ref, request, planned.kind.revision(planned.initial))),
    finished: (result) => core.info(verdictLine(viewOf(result))),
    heartbeat: (waiting) => {
      for (const w of waiting) {
        if (w.verdict) core.info(heartbeatLine(w.planned.ref, w.planned.kind, w.verdict, w.elapsedMs));
      }
    },
    failing: (planned, verdict, graceMs) => core.info(failingLine(planned.ref, verdict, graceMs)),
    followed: (parent, children) =>
      core.info(
        followedLine(
          parent.ref,
          children.map((c) => c.ref),
        ),
      ),
    found: (parent, judged, watchedOnly) => core.info(workloadsFoundLine(parent, judged, watchedOnly)),
    rollingOut: (waiting) => {
      for (const w of waiting) core.info(rollingOutLine(w.ref, w.verdict, w.elapsedMs));
    },
    probed: (result) => core.info(probeLine(result)),
    soakStarted: (stableForMs, watched) => core.info(soakStartedLine(stableForMs, watched)),
    soakEnded: (record) => core.info(soakEndedLine(record)),
    // A note may quote git or GitHub: one line, like every line of the log.
    note: (text) => core.info(noteLine(text)),
    debug: core.debug,
  };
}
