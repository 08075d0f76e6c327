import { afterAll, expect } from 'vitest';
import { eventContractViolations } from './contracts.js';

// Run in every test file (vitest setupFiles): once its tests are done, every event it produced
// must validate against its published JSON Schema (test/support/contracts.ts).
afterAll(async () => {
  expect(await eventContractViolations()).toEqual([]);
}, 60_000);
