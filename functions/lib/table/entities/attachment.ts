import { Attachment } from '../../../../domain/attachments/attachment.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { entityOf, type Item, type Key } from '../item.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A file on a record: the attachment item (its file is in the bucket, functions/lib/files/);
// once stored, listed under its record (gsi3), newest first.

const attachmentKey = (id: string): Key => ({ pk: `ATTACHMENT#${id}`, sk: 'ATTACHMENT' });

/** A record's attachments (once stored), by when they were added. */
const attachedTo = (kind: string, id: string) => `ATTACHED#${kind}#${id}`;

export function attachmentItem(a: Attachment): Item {
  return {
    ...attachmentKey(a.id),
    entity: 'attachment',
    ...(a.status === 'stored'
      ? { gsi3pk: attachedTo(a.parent.kind, a.parent.id), gsi3sk: `${a.createdAt}#${a.id}` }
      : {}),
    ...a,
  };
}

const asAttachment = entityOf<Attachment>(Attachment);

export const attachmentPatterns = patterns({
  attachmentById: get({
    entity: 'attachment',
    pattern: 'an attachment',
    usedBy:
      '`GET /attachments/{id}`, `POST /attachments/{id}/complete`, `DELETE /attachments/{id}`, sharing a file with the customer, `GET /portal/files/{attachmentId}`',
    functions: ['CrmApi', 'DeliveryApi', 'PortalApi'],
    keyCondition: '`pk = ATTACHMENT#<id>, sk = ATTACHMENT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
    key: attachmentKey,
  }),
  attachmentsById: batchGet({
    entity: 'attachment',
    pattern: 'attachments by id: which of the files shared with a customer are still there',
    usedBy: '`GET /portal/project`',
    functions: ['PortalApi'],
    keyCondition: 'BatchGet `ATTACHMENT#<id>` / `ATTACHMENT`, 100 at a time',
    roundTrips: '1 BatchGetItem per 100 files',
    keys: (ids: string[]) => ids.map(attachmentKey),
  }),
  recordAttachments: query({
    entity: 'attachment',
    pattern: "a deal's, contact's, company's, project's or task's stored attachments, newest first",
    usedBy: "`GET /{deals|contacts|companies|projects|tasks}/{id}/attachments` (a project adds its deal's)",
    functions: ['CrmApi', 'DeliveryApi'],
    index: 'gsi3',
    keyCondition: '`gsi3pk = ATTACHED#<kind>#<id>`, descending',
    roundTrips: '1 Query (2 in parallel for a project made from a deal)',
    query: (kind: string, id: string) => ({ index: 'gsi3', partition: attachedTo(kind, id) }),
  }),
  attachmentRequested: write({
    entity: 'attachment',
    pattern: 'an attachment asked for (its upload link signed)',
    usedBy:
      "`POST /{deals|contacts|companies|projects|tasks}/{id}/attachments`; a captured email's attachments (stored at once)",
    functions: ['CrmApi', 'DeliveryApi', 'EmailCapture'],
    keyCondition: 'Put `ATTACHMENT#<id>` / `ATTACHMENT` if absent',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
  attachmentStored: write({
    entity: 'attachment',
    pattern: 'an attachment completed (its file arrived) or deleted, at its version',
    usedBy: '`POST /attachments/{id}/complete`, `DELETE /attachments/{id}`',
    functions: ['CrmApi'],
    keyCondition: 'Put (or Delete) `ATTACHMENT#<id>` / `ATTACHMENT` at the version read',
    roundTrips: '1 transaction',
    actions: ['PutItem', 'DeleteItem'],
  }),
});

export class AttachmentRepository {
  constructor(private readonly store: Store) {}

  async require(id: string): Promise<Attachment> {
    const item = await this.store.get(attachmentPatterns.attachmentById, id);
    if (!item) throw new NotFound('attachment', id);
    return asAttachment(item);
  }

  /** Every stored attachment of a record (a project shows its deal's with its own). */
  async all(kind: string, id: string): Promise<Attachment[]> {
    const items = await this.store.queryAll({
      ...attachmentPatterns.recordAttachments.query(kind, id),
      newestFirst: true,
    });
    return items.map(asAttachment);
  }

  /** Of these ids, the attachments still stored (a file deleted since it was shared is not). */
  async stillStored(ids: string[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (let i = 0; i < ids.length; i += 100) {
      const items = await this.store.batchGet(attachmentPatterns.attachmentsById, ids.slice(i, i + 100));
      for (const item of items) if (item?.status === 'stored') stored.add(String(item.id));
    }
    return stored;
  }

  create(uow: UnitOfWork, a: Attachment): UnitOfWork {
    return uow.create(attachmentPatterns.attachmentRequested, attachmentItem(a));
  }

  update(uow: UnitOfWork, before: Attachment, after: Attachment): UnitOfWork {
    return uow.update(attachmentPatterns.attachmentStored, before, attachmentItem(after));
  }

  remove(uow: UnitOfWork, a: Attachment): UnitOfWork {
    return uow.remove(attachmentPatterns.attachmentStored, a, attachmentKey(a.id));
  }
}
