import { type Email, EmailBody, EmailHead, type EmailStatus } from '../../../../domain/email/message.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { ConcurrentModification, entityOf, type Item, type Key, notExists } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { batchGet, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// A captured email: its head (participants, what it was logged on, or why it was refused) and
// its body (text and HTML as received), two items of one partition. An accepted email's id is
// derived from its Message-ID, so the head's conditional put is what makes a message logged once
// (a CC and a BCC, SES redelivering, a redrive: docs/data-model.md). Heads are listed by thread
// (gsi1, by when they were written) and by status (gsi2, newest first).

const PARTITION = (id: string) => `MESSAGE#${id}`;
export const emailHeadKey = (id: string): Key => ({ pk: PARTITION(id), sk: 'HEAD' });
const emailBodyKey = (id: string): Key => ({ pk: PARTITION(id), sk: 'BODY' });
const threadPartition = (threadId: string) => `THREAD#${threadId}`;
const statusPartition = (status: EmailStatus) => `EMAILS#${status}`;

export function emailHeadItem(h: EmailHead): Item {
  return {
    ...emailHeadKey(h.id),
    entity: 'email',
    ...(h.status === 'refused' ? {} : { gsi1pk: threadPartition(h.threadId), gsi1sk: `${h.sentAt}#${h.id}` }),
    gsi2pk: statusPartition(h.status),
    gsi2sk: `${h.receivedAt}#${h.id}`,
    ...h,
  };
}

export function emailBodyItem(id: string, body: EmailBody): Item {
  return { ...emailBodyKey(id), entity: 'email-body', id, ...body };
}

const asHead = entityOf<EmailHead>(EmailHead);
const asBody = (item: Record<string, unknown>): EmailBody => {
  const { id: _, ...body } = entityOf<EmailBody & { id: string }>(EmailBody.extend({}))(item);
  return body;
};

export const emailPatterns = patterns({
  emailWithBody: query({
    entity: 'email',
    pattern: 'an email, with its body',
    usedBy: '`GET /emails/{id}`',
    functions: ['CrmApi'],
    index: 'table',
    keyCondition: '`pk = MESSAGE#<id>` (the head and the body)',
    roundTrips: '1 Query',
    query: (id: string) => ({ partition: PARTITION(id) }),
  }),
  emailItems: batchGet({
    entity: 'email',
    pattern:
      'emails by id: their heads (the thread of a reply, what a review logs), or their bodies (a thread)',
    usedBy:
      'the capture function (the messages a reply refers to), `GET /email-threads/{id}`, `POST /email-review/{address}/contact`',
    functions: ['EmailCapture', 'CrmApi'],
    keyCondition: 'BatchGet `MESSAGE#<id>` / `HEAD` (or `BODY`)',
    roundTrips: '1 BatchGet (up to 100)',
    keys: (ids: string[], part: 'HEAD' | 'BODY' = 'HEAD') =>
      ids.map((id) => (part === 'HEAD' ? emailHeadKey(id) : emailBodyKey(id))),
  }),
  threadEmails: query({
    entity: 'email',
    pattern: "a thread's emails, in the order they were written",
    usedBy: '`GET /email-threads/{id}`',
    functions: ['CrmApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = THREAD#<threadId>` (sort: `<sentAt>#<emailId>`)',
    roundTrips: '1 Query + 1 BatchGet of their bodies',
    query: (threadId: string) => ({ index: 'gsi1', partition: threadPartition(threadId) }),
  }),
  emailsByStatus: query({
    entity: 'email',
    pattern: 'captured emails of one status (logged, unmatched, refused), newest first',
    usedBy: '`GET /emails?status=`',
    functions: ['CrmApi'],
    index: 'gsi2',
    keyCondition: '`gsi2pk = EMAILS#<status>`, descending',
    roundTrips: '1 Query',
    query: (status: EmailStatus) => ({ index: 'gsi2', partition: statusPartition(status) }),
  }),
  emailCaptured: write({
    entity: 'email',
    pattern: 'a captured email (head and body), once per Message-ID (a refused one, once per SES message)',
    usedBy: 'the capture function',
    functions: ['EmailCapture'],
    keyCondition: 'Put `MESSAGE#<id>` / `HEAD` and `BODY` if absent, in the transaction of its activities',
    roundTrips: '1 transaction per email',
    actions: ['PutItem'],
  }),
  emailLoggedOnContact: write({
    entity: 'email',
    pattern: 'an unmatched email logged on a contact made from a review, at its version',
    usedBy: '`POST /email-review/{address}/contact`',
    functions: ['CrmApi'],
    keyCondition: 'Put `MESSAGE#<id>` / `HEAD` at the version read',
    roundTrips: "none of its own (the review's transaction)",
    actions: ['PutItem'],
  }),
});

/** The message was captured before (its Message-ID's head exists): nothing is written twice. */
export class AlreadyCaptured extends ConcurrentModification {
  constructor(readonly emailId: string) {
    super(`email ${emailId}`);
  }
}

export class EmailRepository {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Email> {
    const { items } = await this.store.query(emailPatterns.emailWithBody.query(id));
    const head = items.find((i) => i.sk === 'HEAD');
    if (!head) throw new NotFound('email', id);
    const body = items.find((i) => i.sk === 'BODY');
    return { ...asHead(head), ...(body ? asBody(body) : {}) };
  }

  /** Heads by id, in the order asked; the missing ones left out. */
  async heads(ids: string[]): Promise<EmailHead[]> {
    if (ids.length === 0) return [];
    const items = await this.store.batchGet(emailPatterns.emailItems, ids.slice(0, 100), 'HEAD');
    return items.flatMap((i) => (i ? [asHead(i)] : []));
  }

  /** A thread's emails, oldest first, with their bodies (at most `limit`). */
  async thread(threadId: string, limit: number): Promise<Email[]> {
    const { items } = await this.store.query({ ...emailPatterns.threadEmails.query(threadId), limit });
    const heads = items.map(asHead);
    if (heads.length === 0) return [];
    const bodies = await this.store.batchGet(
      emailPatterns.emailItems,
      heads.map((h) => h.id),
      'BODY',
    );
    return heads.map((h, i) => ({ ...h, ...(bodies[i] ? asBody(bodies[i]) : {}) }));
  }

  list(status: EmailStatus, page: PageRequest): Promise<Page<EmailHead>> {
    return pageOf(
      this.store,
      { ...emailPatterns.emailsByStatus.query(status), ...page, newestFirst: true },
      asHead,
    );
  }

  /** The head and body, if absent: the head's condition is the guard against a second capture. */
  capture(uow: UnitOfWork, head: EmailHead, body?: EmailBody): UnitOfWork {
    uow.add({
      pattern: emailPatterns.emailCaptured,
      put: emailHeadItem(head),
      condition: notExists,
      onConditionFailed: () => new AlreadyCaptured(head.id),
    });
    if (body) uow.add({ pattern: emailPatterns.emailCaptured, put: emailBodyItem(head.id, body) });
    return uow;
  }

  update(uow: UnitOfWork, before: EmailHead, after: EmailHead): UnitOfWork {
    return uow.update(emailPatterns.emailLoggedOnContact, before, emailHeadItem(after));
  }
}
