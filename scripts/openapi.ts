// Writes docs/openapi.json from the routes' zod schemas. `npm run openapi`; the test
// test/functions/openapi.test.ts fails when the file is not what this would write.
import { writeFileSync } from 'node:fs';
import { allRoutes, apiVersion, renderOpenApi } from '../functions/http/api-document.js';

const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, renderOpenApi(allRoutes(), apiVersion));
console.log(`wrote ${target.pathname}`);
