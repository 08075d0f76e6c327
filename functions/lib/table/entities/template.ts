import { DEFAULT_TEMPLATE_ID, defaultTemplate, Template } from '../../../../domain/delivery/template.js';
import { normalizeText } from '../../../../domain/shared/text.js';
import { DefaultFirstRepository } from '../default-first.js';
import { entityOf, type Item, type Key } from '../item.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';

// Kickoff templates; the default template exists from the first request that needs one.

export const templateKey = (id: string): Key => ({ pk: `TEMPLATE#${id}`, sk: 'TEMPLATE' });

export function templateItem(t: Template): Item {
  return {
    ...templateKey(t.id),
    entity: 'template',
    gsi1pk: partitions.allOf('TEMPLATE'),
    gsi1sk: `${t.isDefault ? '0' : '1'}#${normalizeText(t.name)}#${t.id}`,
    ...t,
  };
}

export const templatePatterns = patterns({
  templateById: get({
    entity: 'template',
    pattern: 'a template',
    usedBy: '`GET /templates/{id}`, `POST /projects`, the handoff',
    functions: ['DeliveryApi', 'CreateProjectOnWin'],
    keyCondition: '`pk = TEMPLATE#<id>, sk = TEMPLATE`',
    roundTrips: '1 GetItem',
    key: templateKey,
  }),
  allTemplates: query({
    entity: 'template',
    pattern: 'every template, the default first, by name',
    usedBy: '`GET /templates`',
    functions: ['DeliveryApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = TEMPLATE`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('TEMPLATE') }),
  }),
  templateWritten: write({
    entity: 'template',
    pattern: 'a template: the default made once, created, changed at its version',
    usedBy:
      '`POST /templates`, `PATCH /templates/{id}`, the first project planned by an instance, the handoff',
    functions: ['DeliveryApi', 'CreateProjectOnWin'],
    keyCondition: 'Put `TEMPLATE#<id>` / `TEMPLATE` if absent, or at the version read',
    roundTrips: "none of its own (the command's transaction; the default: 1 conditional Put per instance)",
    actions: ['PutItem'],
  }),
});

export class TemplateRepository extends DefaultFirstRepository<Template> {
  constructor(store: Store) {
    super(store, {
      entity: 'template',
      item: templateItem,
      from: entityOf<Template>(Template),
      defaultId: DEFAULT_TEMPLATE_ID,
      makeDefault: defaultTemplate,
      byId: templatePatterns.templateById,
      all: templatePatterns.allTemplates,
      written: templatePatterns.templateWritten,
    });
  }
}
