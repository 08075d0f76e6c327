import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A use case says what it depends on: it receives the repositories it uses (`Pick<Services, …>`),
// never the whole of a function's services. The routes and the entries wire them.

const root = join(import.meta.dirname, '../../functions');

const useCases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => {
    const dir = join(root, d.name, 'use-cases');
    try {
      return readdirSync(dir).map((f) => join(dir, f));
    } catch {
      return [];
    }
  });

describe('use cases', () => {
  it('receive the repositories they use, not every service of their function', () => {
    expect(useCases.length).toBeGreaterThan(60);
    const catchAll = useCases.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          /:\s*Services\b(?!\[)/.test(line) && !/Pick<Services,/.test(line)
            ? [`${file.slice(root.length + 1)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(catchAll).toEqual([]);
  });
});
