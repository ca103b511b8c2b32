// A child process of the lab: output to a log file, stopped with SIGTERM then SIGKILL, always awaited.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { guardExit } from './exit-guard.js';

export interface ProcessSpec {
  /** Short name for messages: "kube-apiserver". */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout and stderr are appended here. */
  logFile: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class LabProcess {
  readonly spec: ProcessSpec;
  private readonly child: ChildProcess;
  private exitStatus: ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  private readonly unguard: () => void;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
    const log = openSync(spec.logFile, 'a');
    try {
      this.child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    // A pid file beside the log lets a later lab clean up after a run that was killed outright.
    if (this.child.pid) writeFileSync(`${spec.logFile.replace(/\.log$/, '')}.pid`, `${this.child.pid}\n`);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        this.unguard();
        resolve(this.exitStatus);
      });
      this.child.once('error', (error) => {
        this.exitStatus = { code: null, signal: null };
        this.unguard();
        console.error(`[lab] could not start ${spec.name}: ${error.message}`);
        resolve(this.exitStatus);
      });
    });
    this.unguard = guardExit(() => {
      if (this.running) this.child.kill('SIGKILL');
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitStatus === undefined && this.child.pid !== undefined;
  }

  /** Throws with the log's tail if the process has already exited (for readiness probes). */
  assertRunning(): void {
    if (this.exitStatus) {
      const { code, signal } = this.exitStatus;
      throw new Error(
        `${this.spec.name} exited (code ${code}, signal ${signal}); log ${this.spec.logFile}:\n${this.logTail()}`,
      );
    }
  }

  /** The last lines of its log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 5_000): Promise<ExitStatus> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
