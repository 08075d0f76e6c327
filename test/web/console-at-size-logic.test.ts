import { describe, expect, it } from 'vitest';
import type { CustomField } from '../../domain/custom-fields/custom-fields.js';
import { layoutOf } from '../../domain/transfer/columns.js';
import { RECORD_KINDS } from '../../domain/transfer/jobs.js';
import { draftFromFilter, filterFromDraft, plainFilterMessage } from '../../web/src/deals/deal-filter.js';
import { remapped } from '../../web/src/transfer/csv-file.js';
import { IMPORT_LAYOUT, importColumns, matchColumn } from '../../web/src/transfer/import-layout.js';

// What the console works out on its own, held to what the API does: the import's columns (the
// console shows the mapping before anything is uploaded, from a copy of the importer's layout,
// which the API does not serve), a file written again with the mapped header, and the deals
// list's filter both ways between its form and the API's segment filter.

const FIELDS = [
  {
    entity: 'deal',
    key: 'tier',
    label: 'Tier',
    type: 'select',
    options: ['gold', 'silver'],
    required: false,
  },
  { entity: 'deal', key: 'seats', label: 'Seats', type: 'number', required: false },
  { entity: 'contact', key: 'shoe', label: 'Shoe size', type: 'number', required: false },
] as unknown as CustomField[];

describe("the console's copy of the import layout", () => {
  for (const kind of RECORD_KINDS) {
    it(`has the importer's columns and required columns for ${kind}, custom fields included`, () => {
      const importer = layoutOf(kind, FIELDS);
      expect(importColumns(kind, FIELDS as never).map((c) => c.name)).toEqual(
        importer.columns.map((c) => c.name),
      );
      expect(IMPORT_LAYOUT[kind].required).toEqual(importer.required);
    });
  }

  it('matches a header cell by name, then loosely, then by label; nothing for a column it does not know', () => {
    const columns = importColumns('contacts', FIELDS as never);
    expect(matchColumn('firstName', columns)).toBe('firstName');
    expect(matchColumn('First Name', columns)).toBe('firstName');
    expect(matchColumn('E-mail', columns)).toBe('email');
    expect(matchColumn('Job title', columns)).toBe('title');
    expect(matchColumn('Shoe size', columns)).toBe('custom.shoe');
    expect(matchColumn('Surname', columns)).toBe('');
  });
});

describe('a file written again with the mapped header', () => {
  it('renames the mapped columns, leaves out the others, and keeps every cell as it was', () => {
    const text = 'First Name,Surname,Shoe size,Notes\nAda,"Lovelace, Countess",38,"line one\nline two"\n';
    const out = remapped(text, ['firstName', 'lastName', '', 'notes']);
    expect(out).toBe('firstName,lastName,notes\nAda,"Lovelace, Countess","line one\nline two"\n');
  });
});

describe("the deals list's filter", () => {
  const fields = FIELDS.filter((f) => f.entity === 'deal') as never;

  it("is the API's filter: amounts in minor units, several tags as any of them, custom conditions", () => {
    const filter = filterFromDraft(
      {
        ownerId: 'bob',
        valueMin: '50000',
        valueMax: '1250.5',
        currency: 'eur',
        tags: 'q3, Renewal',
        'customFields.tier': 'gold\nsilver',
        'customFields.seats.min': '10',
      },
      fields,
    );
    expect(filter).toEqual({
      ownerId: 'bob',
      valueMin: 5_000_000,
      valueMax: 125_050,
      currency: 'EUR',
      tagsAny: ['q3', 'renewal'],
      customFields: { tier: { anyOf: ['gold', 'silver'] }, seats: { min: 10 } },
    });
    expect(filterFromDraft(draftFromFilter(filter, fields), fields)).toEqual(filter);
  });

  it("says the API's refusals as what to do at the input", () => {
    expect(plainFilterMessage('expectedCloseTo', 'is before expectedCloseFrom (2031-06-01)')).toBe(
      'Must be on or after the “Closing from” date.',
    );
    expect(plainFilterMessage('stageId', 'stages are indexed within their pipeline: add pipelineId')).toBe(
      'Choose its pipeline too.',
    );
  });
});
