import { readdirSync, readFileSync } from 'node:fs';
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

let compiled: Map<string, ValidateFunction> | undefined;

/** Why an event breaks its published schema, or undefined when it does not. */
export function eventSchemaViolation(event: {
  source: string;
  'detail-type': string;
  detail: unknown;
}): string | undefined {
  compiled ??= new Map(
    publishedSchemaFiles().map(({ file, schema }) => [file, integratorsAjv().compile(schema)]),
  );
  const name = event['detail-type'] as EventName;
  const definition = EVENTS[name];
  if (!definition) return `${name} is not in the event catalog`;
  const version = (event.detail as { version?: number }).version ?? definition.version;
  const validate = compiled.get(schemaFileName(name, version));
  if (!validate) return `no published schema for ${name} version ${version}`;
  if (validate(event)) return undefined;
  return `${name} breaks ${schemaFileName(name, version)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
}
