// Close to GitHub's markdown-body styles for job summaries (light theme), enough to judge the layout.
export const PAGE_CSS = `
body { margin: 0; padding: 24px; background: #f6f8fa; color: #1f2328;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.scenario { color: #59636e; font-size: 13px; margin: 0 0 12px; }
.job-summary { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; max-width: 1012px; }
.summary-title { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 14px; }
.markdown-body { padding: 16px 24px; font-size: 14px; line-height: 1.5; word-wrap: break-word; }
.markdown-body h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; margin: 24px 0 16px; }
.markdown-body h2:first-child { margin-top: 0; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre, .markdown-body details { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body th { font-weight: 600; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; vertical-align: top; }
.markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body code { padding: .2em .4em; font-size: 85%; white-space: break-spaces; background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body details summary { cursor: pointer; }
.markdown-body sub { color: #59636e; }
.extras { max-width: 1012px; margin-top: 24px; font-size: 13px; }
.extras pre { background: #0d1117; color: #e6edf3; padding: 12px; border-radius: 6px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
.annotation { border: 1px solid #d1d9e0; border-left-width: 4px; border-radius: 6px; padding: 8px 12px; margin-bottom: 8px; background: #fff; }
.annotation pre { background: none; color: inherit; padding: 4px 0 0; margin: 0; white-space: pre-wrap; }
.annotation.error { border-left-color: #d1242f; }
.annotation.warning { border-left-color: #9a6700; }
.annotation.notice { border-left-color: #0969da; }
`;
