// Writes the generated contracts: docs/openapi.json (from the routes' zod schemas), the typed
// client's types from it (clients/typescript/schema.d.ts, by openapi-typescript), and
// docs/events.md with docs/schemas/*.json (from the event catalog), and docs/data-model.md's
// access-pattern table (from the entities' declared access patterns). `npm run docs`.
// test/functions/generated-docs.test.ts fails when any of them is stale.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { allRoutes, apiVersion, renderOpenApi } from './api-document.js';
import { generateClientTypes } from './client-types.js';
import { withAccessPatternTable } from './data-model-doc.js';
import { eventSchemas, renderEventsMarkdown } from './event-docs.js';

const docs = new URL('../docs/', import.meta.url);
writeFileSync(new URL('openapi.json', docs), renderOpenApi(allRoutes(), apiVersion));
writeFileSync(new URL('events.md', docs), renderEventsMarkdown());
const schemasDir = new URL('schemas/', docs);
mkdirSync(schemasDir, { recursive: true });
for (const file of readdirSync(schemasDir)) rmSync(new URL(file, schemasDir));
for (const [file, schema] of Object.entries(eventSchemas())) {
  writeFileSync(new URL(file, schemasDir), `${JSON.stringify(schema, null, 2)}\n`);
}
writeFileSync(new URL('../clients/typescript/schema.d.ts', import.meta.url), generateClientTypes());
const dataModel = new URL('data-model.md', docs);
writeFileSync(dataModel, withAccessPatternTable(readFileSync(dataModel, 'utf8')));
console.log(
  "wrote docs/openapi.json, clients/typescript/schema.d.ts, docs/events.md, docs/schemas/ and docs/data-model.md's access-pattern table",
);
