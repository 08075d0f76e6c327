import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as zod from 'zod';
import * as z from '../../../domain/shared/zod.js';

// domain/shared/zod.ts declares schemas that are built on first use, so a function's cold start
// pays only for what its request reads. What an API client sees must not change: each lazy form
// accepts, refuses (with the same issues) and documents exactly what zod's own form does, and
// declaring it builds none of its parts.

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

/** Any JSON-ish value, biased towards objects with the keys the schemas below read. */
const inputs = fc.oneof(
  fc.anything(),
  fc.record(
    {
      kind: fc.constantFrom('call', 'mail', 'other', 3),
      id: fc.oneof(fc.string(), fc.integer()),
      minutes: fc.oneof(fc.integer(), fc.double(), fc.string()),
      subject: fc.oneof(fc.string(), fc.constant(undefined)),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

function sameAnswers(lazy: zod.ZodType, eager: zod.ZodType) {
  fc.assert(
    fc.property(inputs, (input) => {
      const a = lazy.safeParse(input);
      const b = eager.safeParse(input);
      expect(a.success).toBe(b.success);
      if (a.success) expect(a.data).toEqual(b.data);
      else expect(a.error.issues).toEqual(b.error?.issues);
    }),
    runs,
  );
  for (const io of ['input', 'output'] as const)
    expect(z.toJSONSchema(lazy, { io })).toEqual(zod.toJSONSchema(eager, { io }));
}

describe('schemas built on first use', () => {
  it('a strict object refuses unknown keys as zod does, and says so in its JSON Schema', () => {
    const lazy = z.strictObject(() => ({ id: z.string(), minutes: z.int().min(0) }));
    const eager = zod.strictObject({ id: zod.string(), minutes: zod.number().int().min(0) });
    sameAnswers(lazy, eager);
    expect(z.toJSONSchema(lazy)).toMatchObject({ additionalProperties: false });
  });

  it('an extension builds neither its base nor its new fields until first read, then answers as zod.extend', () => {
    let built = 0;
    const Base = z.strictObject(() => {
      built++;
      return { id: z.string(), subject: z.string().optional() };
    });
    const Extended = z.extend(Base, () => {
      built++;
      return { minutes: z.int() };
    });
    expect(built).toBe(0);
    sameAnswers(
      Extended,
      zod.strictObject({ id: zod.string(), subject: zod.string().optional() }).extend({ minutes: zod.int() }),
    );
    expect(built).toBe(2);
  });

  it('a refined base is extended at once, keeping its check, as zod does', () => {
    const Base = z.object(() => ({ id: z.string() })).refine((v) => v.id !== 'x', { error: 'not x' });
    const Extended = z.extend(Base, () => ({ minutes: z.int().optional() }));
    expect(Extended.safeParse({ id: 'x' }).error?.issues.map((i) => i.message)).toEqual(['not x']);
    expect(Extended.safeParse({ id: 'y', minutes: 2 }).success).toBe(true);
  });

  it('a discriminated union builds no option until first use, then parses and documents as zod', () => {
    let built = 0;
    const lazy = z.discriminatedUnion('kind', () => {
      built++;
      return [
        z.object(() => ({ kind: z.literal('call'), minutes: z.int() })),
        z.object(() => ({ kind: z.literal('mail'), subject: z.string() })),
      ];
    });
    expect(built).toBe(0);
    sameAnswers(
      lazy,
      zod.discriminatedUnion('kind', [
        zod.object({ kind: zod.literal('call'), minutes: zod.int() }),
        zod.object({ kind: zod.literal('mail'), subject: zod.string() }),
      ]),
    );
    expect(built).toBe(1);
  });

  it('a schema made once (ids, bounded texts) is made on first use and kept, however often it parses or is documented', () => {
    let built = 0;
    const lazy = z.lazyOnce(() => {
      built++;
      return z.string().trim().min(1).max(5);
    });
    expect(built).toBe(0);
    sameAnswers(lazy, zod.string().trim().min(1).max(5));
    expect(built).toBe(1);
  });

  it('a named schema is documented under its id wherever it is used, like .meta({ id })', () => {
    const Named = z.object(() => ({ id: z.string() })).register(z.globalRegistry, { id: 'LazyNamedTest' });
    const Meta = zod.object({ id: zod.string() }).meta({ id: 'EagerNamedTest' });
    const lazy = z.toJSONSchema(z.object(() => ({ one: Named, many: z.array(Named) })));
    const eager = zod.toJSONSchema(zod.object({ one: Meta, many: zod.array(Meta) }));
    expect(JSON.stringify(lazy).replaceAll('LazyNamedTest', 'EagerNamedTest')).toBe(JSON.stringify(eager));
    expect(lazy).toMatchObject({ properties: { one: { $ref: '#/$defs/LazyNamedTest' } } });
  });
});
