// Renders each report scenario as a full HTML page styled like a GitHub job summary, followed by the
// annotations and log lines the same run would produce. Bundled and run by scripts/preview.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '../../src/base/text.js';
import { annotationsFor } from '../../src/report/annotations.js';
import { verdictLine } from '../../src/report/log.js';
import { buildOutputs } from '../../src/report/outputs.js';
import { renderSummary } from '../../src/report/summary.js';
import { viewOf } from '../../src/report/view.js';
import { SCENARIOS, type Scenario } from '../../test/fixtures/report/scenarios.js';
import { PAGE_CSS } from './style.js';

// `?open` opens every details block, for screenshots and quick reading;
// `?extras` shows only the annotations, log and outputs below the summary.
const OPEN_DETAILS_SCRIPT = [
  "if (location.search.includes('open')) for (const d of document.querySelectorAll('details')) d.open = true;",
  "if (location.search.includes('extras')) document.querySelector('.job-summary').style.display = 'none';",
].join('\n');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body}
<script>${OPEN_DETAILS_SCRIPT}</script>
</body>
</html>
`;
}

function scenarioPage(name: string, scenario: Scenario): string {
  const views = scenario.run.results.map(viewOf);
  const summary = renderSummary(scenario.ctx, scenario.run, scenario.health, views);
  const annotations = annotationsFor(scenario.run, views)
    .map(
      (a) =>
        `<div class="annotation ${a.level}"><b>${escapeHtml(a.level)}: ${escapeHtml(a.title)}</b><pre>${escapeHtml(a.message)}</pre></div>`,
    )
    .join('\n');
  const log = views.map(verdictLine).join('\n');
  const outputs = Object.entries(buildOutputs(scenario.run, views))
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  return page(
    `${name}: flux-reconcile summary preview`,
    `<p class="scenario">Preview · ${escapeHtml(scenario.title)} · <a href="index.html">all scenarios</a></p>
<div class="job-summary"><div class="summary-title">flux-reconcile summary</div><article class="markdown-body">
${summary}</article></div>
<section class="extras" id="extras"><h3>Annotations</h3>
${annotations || '<p>none</p>'}
<h3>Log (verdict lines)</h3><pre>${escapeHtml(log)}</pre>
<h3>Outputs</h3><pre>${escapeHtml(outputs)}</pre></section>`,
  );
}

/** Writes one page per scenario and an index into `dir`; returns the files written. */
export function writePreviews(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const links: string[] = [];
  for (const [name, build] of Object.entries(SCENARIOS)) {
    const scenario = build();
    const file = join(dir, `${name}.html`);
    writeFileSync(file, scenarioPage(name, scenario));
    written.push(file);
    links.push(`<li><a href="${name}.html">${escapeHtml(name)}</a>: ${escapeHtml(scenario.title)}</li>`);
  }
  const index = join(dir, 'index.html');
  writeFileSync(
    index,
    page(
      'flux-reconcile summary previews',
      `<article class="markdown-body"><h2>Job summary previews</h2><ul>${links.join('')}</ul></article>`,
    ),
  );
  written.push(index);
  return written;
}
