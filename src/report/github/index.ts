// Reporting back to GitHub: a Deployment, a commit status, one pull request comment. The main step calls
// startGitHubReport before the run and finish() after report().
export { type GitHubReport, type ReportStart, reportedObjects, startGitHubReport } from './reporter.js';
