import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, type CallOptions, type User, users } from './api.js';
import { itemCount } from './crm.js';
import type { TestTable } from './table.js';

// The bad-input property, for every route of an API function: no generated input yields a
// 5xx, and every refusal is an RFC 9457 problem document that wrote nothing. Inputs break one
// dimension at a time (body, raw text, path ids, query, headers, caller), the rest valid, so
// runs reach past the protocol checks into the routes themselves.

export interface BadInputSpec {
  table: () => TestTable;
  api: () => (routeKey: string, options?: CallOptions) => Promise<ApiResponse>;
  routeKeys: string[];
  /** A valid body per route, broken by the generators. */
  valid: () => Record<string, Record<string, unknown>>;
  /** A valid value for each path parameter of a route (existing records). */
  params: (routeKey: string) => Record<string, string>;
  queryKeys: string[];
  idPattern: RegExp;
}

/** A valid body with one field broken, removed, or an unknown field added. */
const brokenBody = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc
      .record({ key: fc.constantFrom(...Object.keys(valid)), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...Object.keys(valid)).map((key) => {
      const { [key]: _, ...rest } = valid;
      return rest;
    }),
    fc.string({ minLength: 1, maxLength: 12 }).map((key) => ({ ...valid, [`x${key}`]: 1 })),
  );

function inputFor(spec: BadInputSpec, routeKey: string): fc.Arbitrary<CallOptions> {
  const valid = spec.valid()[routeKey];
  const params = spec.params(routeKey);
  const names = Object.keys(params);
  const base: CallOptions = {
    as: users.admin,
    ...(names.length ? { params } : {}),
    ...(valid ? { body: valid } : {}),
  };
  const query = fc.dictionary(
    fc.constantFrom(...spec.queryKeys, 'limit', 'cursor', 'zzz'),
    fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('0', '1', '101', 'open', 'done', '-1', 'ct_1', 'u-admin'),
    ),
  );
  return fc.oneof(
    fc
      .oneof(fc.jsonValue(), fc.anything(), ...(valid ? [brokenBody(valid), brokenBody(valid)] : []))
      .map((body) => ({ ...base, body })),
    fc
      .oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{"a":', '[1,2', 'null', '"x"', '{}'))
      .map((rawBody) => {
        const { body: _b, ...rest } = base;
        return { ...rest, rawBody };
      }),
    ...names.map((name) =>
      fc
        .oneof(fc.string({ maxLength: 50 }), fc.stringMatching(spec.idPattern))
        .map((value) => ({ ...base, params: { ...params, [name]: value } })),
    ),
    query.map((q) => ({ ...base, query: q })),
    fc
      .record(
        {
          'If-Match': fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('"1"', 'W/"99"', '*', '"0"')),
          'content-type': fc.constantFrom('application/json', 'text/plain', 'application/problem+json', ''),
          'Idempotency-Key': fc.string({ maxLength: 300 }),
        },
        { requiredKeys: [] },
      )
      .map((headers) => ({ ...base, headers })),
    fc
      .constantFrom<User | null>(users.alice, users.bob, users.dana, users.nobody, null, {
        sub: 'u-weird',
        groups: ['root', 'SALES'],
      })
      .map((as) => ({ ...base, as })),
  );
}

export function describeBadInput(spec: BadInputSpec): void {
  describe.each(spec.routeKeys)('%s', (routeKey) => {
    it('never answers 5xx; a refusal is a problem document and writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(inputFor(spec, routeKey), async (options) => {
          const before = await itemCount(spec.table());
          const res = await spec.api()(routeKey, options);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type']).toBe('application/problem+json');
            expect(res.body).toMatchObject({
              status: res.status,
              type: expect.stringMatching(/^\/problems\//),
            });
            expect(await itemCount(spec.table())).toBe(before);
          }
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 30) },
      );
    });
  });
}
