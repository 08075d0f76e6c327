import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRoutes, apiVersion, renderOpenApi } from '../../scripts/api-document.js';
import { generateClientTypes } from '../../scripts/client-types.js';
import { withAccessPatternTable } from '../../scripts/data-model-doc.js';
import { eventSchemas, renderEventsMarkdown } from '../../scripts/event-docs.js';

// The generated contracts are committed so integrators can read them; these fail when they
// are stale. Fix with `npm run docs`.

const docs = new URL('../../docs/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, docs), 'utf8');

describe('generated contracts are up to date (npm run docs)', () => {
  it('docs/openapi.json is what the routes generate', () => {
    expect(read('openapi.json')).toBe(renderOpenApi(allRoutes(), apiVersion));
  });

  it("the typed client's types are what openapi-typescript generates from it", () => {
    const committed = readFileSync(new URL('../../clients/typescript/schema.d.ts', import.meta.url), 'utf8');
    expect(committed).toBe(generateClientTypes());
  });

  it('docs/events.md and docs/schemas are what the event catalog generates', () => {
    expect(read('events.md')).toBe(renderEventsMarkdown());
    const schemas = eventSchemas();
    expect(readdirSync(new URL('schemas/', docs)).sort()).toEqual(Object.keys(schemas).sort());
    for (const [file, schema] of Object.entries(schemas)) {
      expect(JSON.parse(read(`schemas/${file}`)), file).toEqual(schema);
    }
  });

  it("docs/data-model.md's access-pattern table is what the entities declare", () => {
    const committed = read('data-model.md');
    expect(committed).toBe(withAccessPatternTable(committed));
  });

  it('the OpenAPI document covers every route with its roles, and every write with its problems', () => {
    const document = JSON.parse(read('openapi.json'));
    for (const [routeKey, route] of Object.entries(allRoutes())) {
      const [method, path] = routeKey.split(' ') as [string, string];
      const operation = document.paths[path]?.[method.toLowerCase()];
      expect(operation, routeKey).toBeDefined();
      if (route.roles !== 'public') {
        expect(operation['x-roles']).toEqual(route.roles);
        expect(operation.responses['401']).toBeDefined();
      } else {
        expect(operation.security).toEqual([]);
      }
      if (route.body) expect(operation.responses['422'], routeKey).toBeDefined();
    }
  });
});
