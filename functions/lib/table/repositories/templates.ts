import { DEFAULT_TEMPLATE_ID, defaultTemplate, Template } from '../../../../domain/delivery/template.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import type { Instant } from '../../../../domain/shared/time.js';
import { keys, partitions, templateItem } from '../keys.js';
import { ConcurrentModification, entityOf, notExists, type Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asTemplate = entityOf<Template>(Template);

export class TemplateRepository {
  private ensured?: Promise<void>;

  constructor(private readonly store: Store) {}

  /** The default template exists from the first request that needs templates. */
  ensureDefault(now: Instant): Promise<void> {
    this.ensured ??= this.store
      .transact([
        {
          put: templateItem(defaultTemplate(now)),
          condition: notExists,
          onConditionFailed: () => new ConcurrentModification('default template'),
        },
      ])
      .catch((error: unknown) => {
        if (!(error instanceof ConcurrentModification)) {
          this.ensured = undefined;
          throw error;
        }
      });
    return this.ensured;
  }

  async get(id: string): Promise<Template | undefined> {
    const item = await this.store.get(keys.template(id));
    return item ? asTemplate(item) : undefined;
  }

  async require(id: string): Promise<Template> {
    const t = await this.get(id);
    if (!t) throw new NotFound('template', id);
    return t;
  }

  requireDefault(): Promise<Template> {
    return this.require(DEFAULT_TEMPLATE_ID);
  }

  list(page: PageRequest): Promise<Page<Template>> {
    return pageOf(
      this.store,
      { index: 'gsi1', partition: partitions.allOf('TEMPLATE'), ...page },
      asTemplate,
    );
  }

  create(uow: UnitOfWork, t: Template): UnitOfWork {
    return uow.create('template', templateItem(t));
  }

  update(uow: UnitOfWork, before: Template, after: Template): UnitOfWork {
    return uow.update('template', before, templateItem(after));
  }
}
