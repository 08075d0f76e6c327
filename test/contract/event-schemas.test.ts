import { Validator } from '@cfworker/json-schema';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { EVENTS, type EventName, emit } from '../../domain/events.js';
import { registrySchema, schemaFileName } from '../../scripts/event-docs.js';
import { context } from '../domain/support.js';
import { eventSchemaViolation, integratorsAjv, publishedSchemaFiles } from '../support/event-contract.js';

// The event schemas are what integrators validate with, in tools nobody on the project wrote:
// every published file compiles on its own in Ajv (2020-12, strict) and in @cfworker/json-schema,
// and so does every schema the stack puts in the EventBridge Schema Registry (draft 4, Ajv's
// draft-04 class). Every event the rest of the suite writes is validated against its file too
// (test/support/contracts.ts); here, one event of each kind built by the catalog.

describe('the published event schemas', () => {
  it('there is one file per event version, and each compiles alone in Ajv 2020-12 (strict) and in @cfworker/json-schema', () => {
    const files = publishedSchemaFiles();
    expect(files.map((f) => f.file).sort()).toEqual(
      (Object.keys(EVENTS) as EventName[]).map((n) => schemaFileName(n, EVENTS[n].version)).sort(),
    );
    for (const { file, schema } of files) {
      expect(() => integratorsAjv().compile(schema), file).not.toThrow();
      expect(() => new Validator(schema as never, '2020-12'), file).not.toThrow();
      // every reference points into the file itself
      for (const ref of JSON.stringify(schema).match(/"\$ref":"[^"]*"/g) ?? [])
        expect(ref, file).toMatch(/"\$ref":"#\/\$defs\/\w+"/);
    }
  });

  it("each compiles in draft 4 as the Schema Registry takes it (Ajv's draft-04 class, strict)", () => {
    for (const name of Object.keys(EVENTS) as EventName[]) {
      const ajv = new AjvDraft04({ strict: true, allErrors: true });
      addFormats(ajv);
      expect(() => ajv.compile(registrySchema(name) as object), name).not.toThrow();
    }
  });

  it('an event the catalog builds passes its file in both validators; one with a field of the wrong type fails both', () => {
    const ctx = context();
    const event = emit(ctx, 'CompanyDeleted', { companyId: 'co_1' });
    const wire = { source: event.source, 'detail-type': event.detailType, detail: event.detail };
    expect(eventSchemaViolation(wire)).toBeUndefined();
    const file = publishedSchemaFiles().find((f) => f.file === 'CompanyDeleted.v1.json')!;
    expect(new Validator(file.schema as never, '2020-12').validate(wire).valid).toBe(true);
    const broken = { ...wire, detail: { ...event.detail, data: { companyId: 42 } } };
    expect(eventSchemaViolation(broken)).toMatch(/CompanyDeleted breaks CompanyDeleted.v1.json/);
    expect(new Validator(file.schema as never, '2020-12').validate(broken).valid).toBe(false);
  });
});
