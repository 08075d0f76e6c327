import { DEFAULT_TEMPLATE_ID, defaultTemplate, Template } from '../../../../domain/delivery/template.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, templateItem } from '../keys.js';
import { entityOf, type Store } from '../store.js';
import { DefaultFirstRepository } from './default-first.js';

/** Kickoff templates; the default template exists from the first request that needs one. */
export class TemplateRepository extends DefaultFirstRepository<Template> {
  constructor(store: Store) {
    super(store, {
      entity: 'template',
      key: keys.template,
      item: templateItem,
      from: entityOf<Template>(Template),
      defaultId: DEFAULT_TEMPLATE_ID,
      makeDefault: defaultTemplate,
      all: accessPatterns.allTemplates.query,
    });
  }
}
