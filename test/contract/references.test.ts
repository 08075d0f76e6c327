import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The docs and the code's comments name files (functions/lib/table/store.ts, docs/api.md …) and
// link documents to each other; a newcomer follows those names. Every one must exist.

const root = join(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => /\.(ts|md|mjs)$/.test(f) && !f.includes('node_modules') && existsSync(join(root, f)))
  .filter((f) => !f.startsWith('docs/schemas/') && f !== 'docs/events.md' && !f.endsWith('schema.d.ts'));

const PATH = /(?<![\w/.-])((?:functions|domain|infra|scripts|bench|test|docs|clients|cli|web)\/[\w./-]*\w)/g;
const LINK = /\]\(((?!https?:|#|mailto:)[^)#\s]+)(?:#[^)]*)?\)/g;

describe('references in docs and code', () => {
  it('every repository path named in a document or a comment exists', () => {
    const missing: string[] = [];
    for (const file of tracked) {
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [, ref] of line.matchAll(PATH)) {
            if (/[*<{$]/.test(ref!)) continue;
            if (!existsSync(join(root, ref!)) && !existsSync(join(root, `${ref}.ts`)))
              missing.push(`${file}:${i + 1}: ${ref}`);
          }
        });
    }
    expect(missing).toEqual([]);
  });

  it('every relative link between documents leads to a file', () => {
    const broken: string[] = [];
    for (const file of tracked.filter((f) => f.endsWith('.md'))) {
      for (const [, target] of readFileSync(join(root, file), 'utf8').matchAll(LINK)) {
        if (!existsSync(join(root, dirname(file), target!))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
