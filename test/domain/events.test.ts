import { describe, expect, it } from 'vitest';
import { EVENTS, emit } from '../../domain/events.js';
import { detailSchema, SOURCES } from '../../domain/shared/event.js';
import { context } from './support.js';

describe('the event catalog', () => {
  it('every event has a source of the bounded contexts, a positive version and a description', () => {
    for (const [name, definition] of Object.entries(EVENTS)) {
      expect(SOURCES, name).toContain(definition.source);
      expect(definition.version, name).toBeGreaterThan(0);
      expect(definition.description.length, name).toBeGreaterThan(10);
    }
  });

  it('emit builds the envelope and refuses data that breaks the published schema', () => {
    const ctx = context();
    const event = emit(ctx, 'CompanyDeleted', { companyId: 'co_1' });
    expect(detailSchema(EVENTS.CompanyDeleted).parse(event.detail)).toEqual(event.detail);
    expect(event).toMatchObject({
      source: 'handoff.crm',
      detailType: 'CompanyDeleted',
      detail: { version: 1, occurredAt: ctx.now, correlationId: 'corr-1', actor: { userId: 'u-alice' } },
    });
    expect(() => emit(ctx, 'CompanyDeleted', {} as never)).toThrow();
  });
});
