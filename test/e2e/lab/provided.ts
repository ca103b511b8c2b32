// The lab's connection details travel from globalSetup to the test files through vitest's provide/inject.
import type { LabInfo } from './info.js';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabInfo;
  }
}
