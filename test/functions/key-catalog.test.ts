import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog, ENTITY_PATTERNS } from '../../functions/lib/table/catalog.js';
import { INDEXES } from '../../functions/lib/table/definition.js';
import { dealPatterns } from '../../functions/lib/table/entities/deal.js';
import { profilePatterns } from '../../functions/lib/table/entities/profile.js';
import { TABLE_FUNCTIONS, UndeclaredAccess } from '../../functions/lib/table/pattern.js';
import { Store } from '../../functions/lib/table/store.js';
import { testTable } from '../support/table.js';

// Each entity's storage is declared once, in its module under functions/lib/table/entities/:
// its keys, its items and copies, and every access pattern as code the Store runs. A key string
// or an index name anywhere else in the functions is a second source of truth the generated
// data model and the generated grants would miss; a pattern only described, or named by no
// code, is prose; a request without its pattern never reaches DynamoDB.

const root = join(import.meta.dirname, '../../functions');
/** Where keys are written: the entities, and the key values several of them share. */
const KEYS_LIVE_IN = [/^lib\/table\/entities\//, /^lib\/table\/(partitions|copies|definition)\.ts$/];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const code = sources(root).map((file) => ({ name: relative(root, file), text: readFileSync(file, 'utf8') }));

describe('the key catalog', () => {
  it('no key prefix, sort-key prefix or index name is written outside the entity modules', () => {
    const offending: string[] = [];
    for (const { name, text } of code) {
      if (KEYS_LIVE_IN.some((where) => where.test(name))) continue;
      text.split('\n').forEach((line, i) => {
        if (line.trim().startsWith('//') || line.trim().startsWith('*')) return;
        const keyString = /[`'][A-Z][A-Z-]+#/.test(line); // `DEAL#…`, 'TL#'
        const indexName = /index: '(gsi\d|due)'/.test(line);
        const prefix = /beginsWith: ['`]/.test(line);
        if (keyString || indexName || prefix) offending.push(`${name}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });

  it('only the Store sends requests to the table (the idempotency library is declared apart)', () => {
    const senders = code
      .filter(({ text }) =>
        /import \{[^}]*\b\w+Command\b[^}]*\} from '@aws-sdk\/(lib-dynamodb|client-dynamodb)'/s.test(text),
      )
      .map(({ name }) => name);
    expect(senders).toEqual(['lib/table/store.ts']);
  });
});

describe('the access patterns', () => {
  const all = Object.entries(catalog);

  it('of every entity module are in the catalog (what the grants and the document are made from)', async () => {
    const dir = join(root, 'lib/table/entities');
    const declared = Object.values(ENTITY_PATTERNS);
    for (const file of readdirSync(dir)) {
      const module = (await import(join(dir, file))) as Record<string, unknown>;
      const sets = Object.entries(module).filter(([name]) => name.endsWith('Patterns'));
      expect(sets.length, file).toBe(1);
      expect(declared, file).toContain(sets[0]![1]);
    }
  });

  it('have one name each across the entities', () => {
    const declared = Object.values(ENTITY_PATTERNS).flatMap((patterns) => Object.keys(patterns));
    expect(declared.length).toBe(new Set(declared).size);
    for (const [name, pattern] of all) expect(pattern.name, name).toBe(name);
  });

  it('are code, not prose: each is run by the Store (or, the idempotency records, by its library)', () => {
    for (const [name, pattern] of all) {
      expect(['get', 'batch-get', 'query', 'write', 'library'], name).toContain(pattern.kind);
      if (pattern.kind === 'get') expect(pattern.key, name).toBeTypeOf('function');
      if (pattern.kind === 'batch-get') expect(pattern.keys, name).toBeTypeOf('function');
      if (pattern.kind === 'query') expect(pattern.query, name).toBeTypeOf('function');
      if (pattern.kind === 'write') expect(pattern.actions.length, name).toBeGreaterThan(0);
    }
    expect(all.filter(([, p]) => p.kind === 'library').map(([name]) => name)).toEqual(['idempotencyRecord']);
  });

  it('name the deployed functions that run them, and an index the table has', () => {
    for (const [name, pattern] of all) {
      expect(pattern.functions.length, name).toBeGreaterThan(0);
      for (const fn of pattern.functions) expect(TABLE_FUNCTIONS, name).toContain(fn);
      if (pattern.index !== 'table') expect(Object.keys(INDEXES), name).toContain(pattern.index);
    }
  });

  it('build Queries on the index they declare, each Query carrying its pattern', () => {
    const args: Record<string, unknown[]> = { dueBy: [0, 'x'], projectHeads: [['x']] };
    for (const [name, pattern] of all) {
      if (pattern.kind !== 'query') continue;
      const condition = pattern.query(...(args[name] ?? ['x', 'y', 'z', 'w']));
      expect(condition.index ?? 'table', name).toBe(pattern.index);
      expect(condition.partition, name).toMatch(/^[A-Z]/);
      expect(condition.pattern, name).toBe(pattern);
    }
  });

  it('are each run by some code in the functions (a declaration nothing runs is prose)', () => {
    const unused = all
      .filter(([, pattern]) => pattern.kind !== 'library')
      .filter(([name]) => !code.some(({ text }) => new RegExp(`\\.${name}\\b(?!:)`).test(text)))
      .map(([name]) => name);
    expect(unused).toEqual([]);
  });
});

describe('the Store', () => {
  it('runs a declared pattern for a function it names, and refuses one it does not name, before DynamoDB', async () => {
    const table = await testTable();
    const asReports = new Store(table.client, table.tableName, 'ReportsApi');
    const asCrm = new Store(table.client, table.tableName, 'CrmApi');
    expect(await asCrm.get(dealPatterns.dealById, 'deal_none')).toBeUndefined();
    await expect(asReports.get(dealPatterns.dealById, 'deal_none')).rejects.toThrow(UndeclaredAccess);
    await expect(asReports.get(dealPatterns.dealById, 'deal_none')).rejects.toThrow(
      'dealById is not declared for ReportsApi',
    );
    // a write the pattern does not declare: a ConditionCheck is not a Put
    await expect(
      asCrm.transact([
        {
          pattern: profilePatterns.profileIsActive,
          put: { pk: 'USER#u-x', sk: 'USER', id: 'u-x' },
        },
      ]),
    ).rejects.toThrow('profileIsActive declares ConditionCheckItem, not PutItem');
    // a Query on another index than its pattern's
    await expect(asCrm.query({ ...dealPatterns.ownerDeals.query('u-x'), index: 'gsi1' })).rejects.toThrow(
      'ownerDeals reads gsi2, not gsi1',
    );
    // nothing refused reached the table
    expect(await table.services.store.get(profilePatterns.profileById, 'u-x')).toBeUndefined();
  });
});
