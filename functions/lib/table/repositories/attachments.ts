import { Attachment } from '../../../../domain/attachments/attachment.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { attachmentItem, keys } from '../keys.js';
import { entityOf, type Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

const asAttachment = entityOf<Attachment>(Attachment);

export class AttachmentRepository {
  constructor(private readonly store: Store) {}

  async require(id: string): Promise<Attachment> {
    const item = await this.store.get(keys.attachment(id));
    if (!item) throw new NotFound('attachment', id);
    return asAttachment(item);
  }

  /** Every stored attachment of a record (a project shows its deal's with its own). */
  async all(kind: string, id: string): Promise<Attachment[]> {
    const items = await this.store.queryAll({
      ...accessPatterns.recordAttachments.query(kind, id),
      newestFirst: true,
    });
    return items.map(asAttachment);
  }

  create(uow: UnitOfWork, a: Attachment): UnitOfWork {
    return uow.create('attachment', attachmentItem(a));
  }

  update(uow: UnitOfWork, before: Attachment, after: Attachment): UnitOfWork {
    return uow.update('attachment', before, attachmentItem(after));
  }

  remove(uow: UnitOfWork, a: Attachment): UnitOfWork {
    return uow.remove('attachment', a, keys.attachment(a.id));
  }
}
