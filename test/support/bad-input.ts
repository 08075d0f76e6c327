import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, type CallOptions, type User, users } from './api.js';
import { malformedStrings } from './malformed.js';
import { document } from './openapi-contract.js';
import { acceptedWrites, type TestTable } from './table.js';

type Schema = Record<string, any>;

function resolve(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(document.components.schemas[String(schema.$ref).split('/').at(-1)!]);
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (options) return resolve(options.find((o) => o.type !== 'null') ?? options[0]);
  return schema;
}

function schemaAt(root: Schema | undefined, path: string[]): Schema | undefined {
  let schema = resolve(root);
  for (const step of path) {
    if (!schema) return undefined;
    schema = resolve(
      /^\d+$/.test(step) ? schema.items : (schema.properties?.[step] ?? schema.additionalProperties),
    );
  }
  return schema;
}

const BOUNDARY_NUMBERS = [-1, 0, 0.5, -0.000001, 1e21, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, 1e-320];

/** Values that break a field of this schema the way clients do. */
function malformedFor(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const type = schema?.type;
  if (type === 'integer' || type === 'number')
    return fc.oneof(fc.constantFrom(...BOUNDARY_NUMBERS), fc.double(), malformedStrings());
  if (type === 'boolean') return fc.constantFrom('true', 1, 0, null, 'yes');
  if (type === 'array')
    return fc.oneof(fc.constant([]), fc.array(malformedStrings(), { maxLength: 30 }), malformedStrings());
  if (type === 'object')
    return fc.oneof(fc.constant({}), fc.dictionary(malformedStrings(), fc.jsonValue()), malformedStrings());
  if (schema?.enum)
    return fc.oneof(
      fc.constantFrom(...(schema.enum as unknown[]).map((v) => `${String(v)}x`)),
      malformedStrings(),
    );
  return fc.oneof(malformedStrings(), fc.jsonValue());
}

/** Every path to a value in a body (objects and the first element of arrays), leaves and inner nodes. */
function pathsOf(value: unknown, path: string[] = []): string[][] {
  if (Array.isArray(value)) return value.length ? [path, ...pathsOf(value[0], [...path, '0'])] : [path];
  if (value !== null && typeof value === 'object')
    return [
      ...(path.length ? [path] : []),
      ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k])),
    ];
  return [path];
}

function setAt(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value))
    return value.map((v, i) => (String(i) === head ? setAt(v, rest, replacement) : v));
  return {
    ...(value as Record<string, unknown>),
    [head]: setAt((value as Record<string, unknown>)[head], rest, replacement),
  };
}

/** The valid body with one field (at any depth) broken as its schema in the document types it. */
function typedBreakage(routeKey: string, valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const [method, path] = routeKey.split(' ') as [string, string];
  const body =
    document.paths[path]?.[method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema;
  return fc
    .constantFrom(...pathsOf(valid))
    .chain((at) => malformedFor(schemaAt(body, at)).map((bad) => setAt(valid, at, bad)));
}

/** Query parameters the document names for the route, each given a malformed value of its kind. */
function typedQuery(routeKey: string): fc.Arbitrary<Record<string, string>> | undefined {
  const [method, path] = routeKey.split(' ') as [string, string];
  const parameters = ((document.paths[path]?.[method.toLowerCase()]?.parameters ?? []) as Schema[]).filter(
    (p) => p.in === 'query',
  );
  if (parameters.length === 0) return undefined;
  return fc
    .constantFrom(...parameters)
    .chain((p) =>
      fc
        .oneof(malformedStrings(), fc.constantFrom('9999-11', '0000-01', '0001-01', '9999-12', '2026-00'))
        .map((v) => ({ [String(p.name)]: v })),
    );
}

// The bad-input property, for every route of an API function: no generated input yields a
// 5xx, and every refusal is an RFC 9457 problem document that wrote nothing. Inputs break one
// dimension at a time (body, raw text, path ids, query, headers, caller), the rest valid, so
// runs reach past the protocol checks into the routes themselves. Body fields and query
// parameters are broken as the OpenAPI document types them: each field gets the malformed
// values of its own kind (an instant near-miss for a date-time, a boundary number for an
// integer, another word for an enum), not only random JSON.

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
  const typed = typedQuery(routeKey);
  return fc.oneof(
    fc
      .oneof(fc.jsonValue(), fc.anything(), ...(valid ? [brokenBody(valid), brokenBody(valid)] : []))
      .map((body) => ({ ...base, body })),
    ...(valid ? [typedBreakage(routeKey, valid).map((body) => ({ ...base, body }))] : []),
    ...(valid ? [typedBreakage(routeKey, valid).map((body) => ({ ...base, body }))] : []),
    ...(typed ? [typed.map((q) => ({ ...base, query: q }))] : []),
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
          const before = acceptedWrites(spec.table());
          const res = await spec.api()(routeKey, options);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers['content-type']).toBe('application/problem+json');
            expect(res.body).toMatchObject({
              status: res.status,
              type: expect.stringMatching(/^\/problems\//),
            });
            expect(acceptedWrites(spec.table())).toBe(before);
          }
        }),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 30) },
      );
    });
  });
}
