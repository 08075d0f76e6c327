#!/usr/bin/env node
// The `handoff` command (npx handoff …): runs cli/handoff.ts through tsx, from wherever it is called.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/handoff.ts', import.meta.url).href);
