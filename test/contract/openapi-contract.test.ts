import { describe, expect, it } from 'vitest';
import { contractViolation } from '../support/openapi-contract.js';

// The check every test's answers go through (test/support/openapi-contract.ts) refuses what the
// document does not describe, with the schema of the route and status the answer came on.
// Its validators are kept by their schema's text (many answers share one): an answer is still
// never held to the schema of another status.

const json = { 'content-type': 'application/json' };
const problem = { 'content-type': 'application/problem+json' };
/** What the check says of a GET's answer. */
const get = (path: string, status: number, headers: Record<string, string>, body: unknown) =>
  contractViolation({ method: 'GET', path, status, headers, body });

const aProblem = { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'No deal d_1' };

describe("the OpenAPI check of every test's answers", () => {
  it('passes a problem of a documented status on two routes, and refuses one that breaks the Problem schema', () => {
    expect(get('/deals/d_1', 404, problem, aProblem)).toBeUndefined();
    expect(get('/contacts/c_1', 404, problem, aProblem)).toBeUndefined();
    expect(get('/contacts/c_1', 404, problem, { status: '404' })).toMatch(
      /GET \/contacts\/\{id\} → 404: the body breaks the document's schema/,
    );
  });

  it("holds each answer to its own status's schema: a gateway throttle is not a problem", () => {
    const throttled = { message: 'Too Many Requests' };
    expect(get('/deals/d_1', 404, problem, aProblem)).toBeUndefined();
    expect(get('/deals/d_1', 429, json, throttled)).toBeUndefined();
    expect(get('/deals/d_1', 429, json, aProblem)).toMatch(
      /GET \/deals\/\{id\} → 429: the body breaks the document's schema/,
    );
  });

  it('refuses a status the route does not list, and a body where none is documented', () => {
    expect(get('/deals/d_1', 418, json, {})).toBe(
      'GET /deals/{id} → 418: the document lists no 418 for this route',
    );
    expect(get('/deals/d_1', 404, json, aProblem)).toBe(
      'GET /deals/{id} → 404: the document has no application/json body for it',
    );
  });
});
