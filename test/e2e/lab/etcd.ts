// etcd for the lab: one member, loopback URLs, a data directory inside the lab's temp dir.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { answers200 } from './http-probe.js';
import { freePort } from './ports.js';
import { LabProcess } from './processes.js';
import { waitUntil } from './wait.js';

export interface Etcd {
  process: LabProcess;
  clientUrl: string;
}

export async function startEtcd(binDir: string, labDir: string): Promise<Etcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = join(labDir, 'etcd-data');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const etcd = new LabProcess({
    name: 'etcd',
    command: join(binDir, 'etcd'),
    args: [
      '--name=lab',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=lab=${peerUrl}`,
      // A throwaway cluster: durability buys nothing and fsync costs seconds on a busy disk.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    logFile: join(labDir, 'logs', 'etcd.log'),
  });
  const probe = answers200(`${clientUrl}/health`);
  await waitUntil(probe, {
    what: 'etcd /health',
    timeoutMs: 30_000,
    alive: () => etcd.assertRunning(),
    context: () => etcd.logTail(),
  });
  return { process: etcd, clientUrl };
}
