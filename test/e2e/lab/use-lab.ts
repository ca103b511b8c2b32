// In an e2e test file: `const lab = useLab();` gives the one lab that test/e2e/global-setup.ts started.
import { inject } from 'vitest';
import { connectLab, type LabClient } from './client.js';
import './provided.js';

export function useLab(): LabClient {
  const info = inject('lab');
  if (!info) throw new Error('no lab: run e2e tests with the e2e project (its globalSetup starts the lab)');
  return connectLab(info);
}
