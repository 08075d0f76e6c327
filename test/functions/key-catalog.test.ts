import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessPatterns } from '../../functions/lib/table/access-patterns.js';
import { INDEXES } from '../../functions/lib/table/definition.js';

// The key catalog is the one place keys are written: a key string or an index name anywhere
// else in the functions is a second source of truth that the generated data model would miss.

const root = join(import.meta.dirname, '../../functions');
const CATALOG = new Set(['lib/table/keys.ts', 'lib/table/access-patterns.ts', 'lib/table/definition.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the key catalog', () => {
  it('no key prefix, sort-key prefix or index name is written outside keys.ts and access-patterns.ts', () => {
    const offending: string[] = [];
    for (const file of sources(root)) {
      const name = relative(root, file);
      if (CATALOG.has(name)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
          const keyString = /[`'][A-Z][A-Z-]+#/.test(line); // `DEAL#…`, 'TL#'
          const indexName = /index: '(gsi\d|due)'/.test(line);
          const prefix = /beginsWith: ['`]/.test(line);
          if (keyString || indexName || prefix) offending.push(`${name}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });

  it('every access pattern names an index the table has, and its Query uses it', () => {
    const args = ['x', 'y', 'z', 'w'];
    for (const [name, pattern] of Object.entries(accessPatterns)) {
      if (pattern.index !== 'table') expect(Object.keys(INDEXES), name).toContain(pattern.index);
      if (!pattern.query) continue;
      const condition = (pattern.query as (...a: unknown[]) => { index?: string; partition: string })(
        ...(name === 'dueBy' ? [0, 'x'] : args),
      );
      expect(condition.index ?? 'table', name).toBe(pattern.index);
      expect(condition.partition, name).toMatch(/^[A-Z]/);
    }
  });
});
