import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EVENTS, type EventName } from '../../domain/events.js';
import { schemaFileName } from '../../scripts/event-docs.js';

// The published event schemas (docs/schemas/*.json), compiled the way an integrator would: with
// Ajv (JSON Schema 2020-12, strict, formats checked). Every event a test run writes to an
// outbox or sees on a local bus is validated against its file (test/support/contracts.ts).

const dir = new URL('../../docs/schemas/', import.meta.url);

export function publishedSchemaFiles(): { file: string; schema: Record<string, unknown> }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, schema: JSON.parse(readFileSync(new URL(file, dir), 'utf8')) }));
}

export function integratorsAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

/**
 * Each published file compiled on its first use: a test file's events use a few of them, and
 * compiling all 92 took about 2 s of CPU in every test file (every file compiling alone is
 * test/contract/event-schemas.test.ts's). One Ajv for them all, as an integrator validating
 * every event would keep (each file has its own $id): an Ajv per file compiled the meta-schema
 * and the formats again each time, 1.3 s of the suite's CPU (measured 2026-12-07).
 */
const compiled = new Map<string, ValidateFunction | undefined>();
let ajv: Ajv2020 | undefined;

function validatorOf(file: string): ValidateFunction | undefined {
  if (!compiled.has(file)) {
    const path = new URL(file, dir);
    ajv ??= integratorsAjv();
    compiled.set(file, existsSync(path) ? ajv.compile(JSON.parse(readFileSync(path, 'utf8'))) : undefined);
  }
  return compiled.get(file);
}

/** Why an event breaks its published schema, or undefined when it does not. */
export function eventSchemaViolation(event: {
  source: string;
  'detail-type': string;
  detail: unknown;
}): string | undefined {
  const name = event['detail-type'] as EventName;
  const definition = EVENTS[name];
  if (!definition) return `${name} is not in the event catalog`;
  const version = (event.detail as { version?: number }).version ?? definition.version;
  const validate = validatorOf(schemaFileName(name, version));
  if (!validate) return `no published schema for ${name} version ${version}`;
  if (validate(event)) return undefined;
  return `${name} breaks ${schemaFileName(name, version)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
}
