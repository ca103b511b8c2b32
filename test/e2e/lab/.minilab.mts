// throwaway: etcd + apiserver + kcm + scheduler + kwok, then applies workloads and prints pod statuses.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiServer } from './apiserver.js';
import { startEtcd } from './etcd.js';
import { LabKube } from './kube.js';
import { KubeControlPlaneProcess } from './kube-control-plane.js';
import { writeKubeconfig } from './kubeconfig.js';
import { KwokProcess } from './kwok.js';
import { createPki } from './pki.js';
import { freePort } from './ports.js';

const binDir = '/tmp/minilab/bin';
const dir = mkdtempSync('/tmp/minilab/run-');
for (const sub of ['logs', 'pki', 'kubeconfig']) mkdirSync(join(dir, sub));
const pki = await createPki(join(dir, 'pki'));
const etcd = await startEtcd(binDir, dir);
const token = 'admintoken0123456789';
const api = new ApiServer({
  binDir,
  labDir: dir,
  port: await freePort(),
  etcdUrl: etcd.clientUrl,
  pki,
  users: [{ token, name: 'admin', groups: ['system:masters'] }],
});
await api.start();
const kc = join(dir, 'kubeconfig', 'admin.yaml');
await writeKubeconfig(kc, { server: api.url, caFile: pki.ca.cert, userName: 'admin', user: { token } });
const kube = new LabKube(kc);
const procs = [];
for (const name of ['kube-controller-manager', 'kube-scheduler'] as const) {
  const p = await KubeControlPlaneProcess.create(name, { binDir, labDir: dir, pki, kubeconfig: kc });
  procs.push(p);
}
const kwok = await KwokProcess.create({
  binDir,
  labDir: dir,
  kubeconfig: kc,
  kube,
  kubernetesVersion: '1.36.4',
});
await Promise.all([...procs.map((p) => p.start()), kwok.start()]);
writeFileSync('/tmp/minilab/current', `${dir}\n${kc}\n`);
console.log('READY', dir, kc);
process.on('SIGTERM', async () => {
  await kwok.stop();
  for (const p of procs) await p.stop();
  await api.stop();
  await etcd.process.stop();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
