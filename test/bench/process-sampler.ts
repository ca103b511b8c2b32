// Samples a running process from outside, through /proc (Linux): its peak resident memory (the kernel's own
// high-water mark, VmHWM) and the most TCP connections it had open at once to one port. Benchmark only:
// the figures are printed, never asserted.
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface Sample {
  peakRssBytes: number;
  peakConnections: number;
}

/** Socket inodes the process holds. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const fds = await readdir(`/proc/${pid}/fd`);
  await Promise.all(
    fds.map(async (fd) => {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }),
  );
  return inodes;
}

/** Established connections (state 01) to `port` among `inodes`, from /proc/<pid>/net/tcp and tcp6. */
async function connectionsTo(pid: number, port: number, inodes: Set<string>): Promise<number> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [remote, state, inode] = [fields[2], fields[3], fields[9]];
      if (remote?.endsWith(`:${hexPort}`) && state === '01' && inode && inodes.has(inode)) count++;
    }
  }
  return count;
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
}

/** Samples `pid` every `everyMs` until stop() (or the process ends); stop() gives the peaks seen. */
export function sampleProcess(pid: number, port: number, everyMs = 25): { stop: () => Promise<Sample> } {
  const sample: Sample = { peakRssBytes: 0, peakConnections: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        sample.peakRssBytes = Math.max(sample.peakRssBytes, await peakRss(pid));
        const open = await connectionsTo(pid, port, await socketInodes(pid));
        sample.peakConnections = Math.max(sample.peakConnections, open);
      } catch {
        return; // the process ended
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return sample;
    },
  };
}
