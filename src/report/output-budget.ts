// The step's outputs within GitHub's limit: at most 1 MB of outputs per job, counted in UTF-16, for every
// step of the job together. A run over thousands of objects, or messages of pruning failures that list
// hundreds of objects, would exceed it and the runner would drop the outputs. Each list output gets a share;
// what does not fit is shortened, then left out, and a note says so.
import { shorten } from '../base/text.js';

/** UTF-16 code units: what GitHub counts. Shares leave room for the other steps of the job. */
export const OUTPUT_SHARES = { results: 256 * 1024, revisions: 64 * 1024, failed: 64 * 1024 } as const;

// A message cut to this still says what went wrong; the summary and the log keep the whole message.
const SHORT_MESSAGE_CHARS = 300;

export interface Fitted {
  json: string;
  /** How many items are in the output, of how many there were; `shortened` when messages were cut. */
  kept: number;
  total: number;
  shortened: boolean;
}

/** The first items whose JSON array fits `maxChars`. */
function firstThatFit<T>(items: T[], maxChars: number): T[] {
  const kept: T[] = [];
  let size = 2; // the brackets
  for (const item of items) {
    const itemSize = JSON.stringify(item).length + (kept.length > 0 ? 1 : 0);
    if (size + itemSize > maxChars) break;
    kept.push(item);
    size += itemSize;
  }
  return kept;
}

/**
 * Records as a JSON array within `maxChars`: all of them as they are if they fit; else with messages cut
 * short; else the records that did not end ok first, then the rest, as many as fit.
 */
export function fitRecords<T extends { message: string; ok: boolean }>(
  records: T[],
  maxChars: number,
): Fitted {
  const whole = JSON.stringify(records);
  if (whole.length <= maxChars)
    return { json: whole, kept: records.length, total: records.length, shortened: false };
  const short = records.map((r) => ({ ...r, message: shorten(r.message, SHORT_MESSAGE_CHARS).text }));
  const shortJson = JSON.stringify(short);
  if (shortJson.length <= maxChars)
    return { json: shortJson, kept: records.length, total: records.length, shortened: true };
  const ranked = [...short.filter((r) => !r.ok), ...short.filter((r) => r.ok)];
  const kept = new Set(firstThatFit(ranked, maxChars));
  // In the run's order, as the full output would list them.
  const json = JSON.stringify(short.filter((r) => kept.has(r)));
  return { json, kept: kept.size, total: records.length, shortened: true };
}

/** A JSON array of strings within `maxChars`: the first ones that fit. */
export function fitList(items: string[], maxChars: number): Fitted {
  const kept = firstThatFit(items, maxChars);
  return { json: JSON.stringify(kept), kept: kept.length, total: items.length, shortened: false };
}

/** A JSON object within `maxChars`: its first entries that fit. */
export function fitMap(map: Record<string, string>, maxChars: number): Fitted {
  const entries = Object.entries(map);
  const kept = firstThatFit(entries, maxChars);
  return {
    json: JSON.stringify(Object.fromEntries(kept)),
    kept: kept.length,
    total: entries.length,
    shortened: false,
  };
}

/** What a person reads when an output had to give way, or undefined when none did. */
export function truncationNote(fitted: Record<string, Fitted>): string | undefined {
  const said: string[] = [];
  for (const [name, fit] of Object.entries(fitted)) {
    if (fit.kept < fit.total) said.push(`\`${name}\` lists ${fit.kept} of ${fit.total}`);
    if (fit.shortened) said.push(`\`${name}\` shortens messages to ${SHORT_MESSAGE_CHARS} characters`);
  }
  if (said.length === 0) return undefined;
  return (
    `The outputs are cut to stay within GitHub's limit of 1 MB of outputs per job: ${said.join('; ')}. ` +
    'The job summary and the log have every object.'
  );
}
