import type { IndexName } from './definition.js';
import { type DealOrderKey, DUE_SHARDS, keys, partitions } from './keys.js';
import type { QuerySpec } from './store.js';

// Every way Handoff reads the table, declared once: the entity, the pattern, who uses it, the
// index, the key condition and the round trips. Repositories build their Queries from these
// builders (no key string is written anywhere else but keys.ts), and docs/data-model.md's
// access-pattern table is generated from this list (`npm run docs`; a test fails when stale).
// Long by design: one entry per pattern, and one file, so the catalog is read in one place.

/** The index and key condition of a Query; the caller adds paging, filters and direction. */
export type KeyCondition = Pick<QuerySpec, 'index' | 'partition' | 'sort'>;

export interface AccessPattern<A extends unknown[] = unknown[]> {
  entity: string;
  /** What is read, in words. */
  pattern: string;
  /** The routes and functions that read it. */
  usedBy: string;
  index: IndexName | 'table';
  /** The key condition as DynamoDB evaluates it, with `<placeholders>`. */
  keyCondition: string;
  roundTrips: string;
  /** The key condition as a Query (patterns that are one). */
  query?: (...args: A) => KeyCondition;
}

const declare = <A extends unknown[]>(
  pattern: AccessPattern<A>,
): AccessPattern<A> & { query: (...args: A) => KeyCondition } =>
  pattern as AccessPattern<A> & { query: (...args: A) => KeyCondition };
const described = (pattern: AccessPattern<never[]>): AccessPattern<never[]> => pattern;

const statusPrefix = (status?: string) => (status ? `${status}#` : '');
const dealsByStatus = (status?: string) => ({ beginsWith: `DEAL#${statusPrefix(status)}` });

export const accessPatterns = {
  // ------------------------------------------------------------------ companies
  companyById: described({
    entity: 'company',
    pattern: 'a company by id',
    usedBy: '`GET /companies/{id}` and every command on it',
    index: 'table',
    keyCondition: '`pk = COMPANY#<id>, sk = COMPANY`',
    roundTrips: '1 GetItem',
  }),
  companiesByName: declare({
    entity: 'company',
    pattern: 'companies by full name (prefix), and all companies by name',
    usedBy: '`GET /companies` and `?q=` of several words',
    index: 'gsi1',
    keyCondition: '`gsi1pk = COMPANY AND begins_with(gsi1sk, <normalised q>)`',
    roundTrips: '1 Query',
    query: (namePrefix?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('COMPANY'),
      ...(namePrefix ? { sort: { beginsWith: namePrefix } } : {}),
    }),
  }),
  nameWordRecords: declare({
    entity: 'contact, company, deal',
    pattern:
      'contacts, companies or deals by the start of any word of their name or title (accent- and case-folded)',
    usedBy:
      '`GET /contacts?q=`, `GET /companies?q=` (one word), `GET /deals?q=` (any words; other filters narrow it)',
    index: 'table',
    keyCondition: '`pk = WORDS#<kind> AND begins_with(sk, <folded q>)`',
    roundTrips: '1 Query (a record matching on two words is read twice and kept once)',
    query: (kind: 'contact' | 'company' | 'deal', wordPrefix: string) => ({
      partition: partitions.nameWords(kind),
      sort: { beginsWith: wordPrefix },
    }),
  }),
  taggedRecords: declare({
    entity: 'company, contact, deal',
    pattern: 'records with a tag (their copies)',
    usedBy: '`GET /companies?tag=`, `/contacts?tag=`, `/deals?tag=`, segments',
    index: 'table',
    keyCondition: '`pk = TAG#<kind>#<tag>`, narrowed by a filter',
    roundTrips: '1 Query',
    query: (kind: 'contact' | 'company' | 'deal', tag: string) => ({
      partition: partitions.tagged(kind, tag),
    }),
  }),
  companyContacts: declare({
    entity: 'contact',
    pattern: "a company's contacts, by name (prefix)",
    usedBy: '`GET /contacts?companyId=`, `DELETE /companies/{id}` (COUNT; detach), merges',
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, CONTACT#<name prefix>)`',
    roundTrips: '1 Query',
    query: (companyId: string, namePrefix = '') => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: `CONTACT#${namePrefix}` },
    }),
  }),
  companyDeals: declare({
    entity: 'deal',
    pattern: "a company's deals (by status)",
    usedBy: '`GET /deals?companyId=&status=`, `DELETE /companies/{id}` (COUNT, all and open; detach), merges',
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (companyId: string, status?: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: dealsByStatus(status),
    }),
  }),
  companyProjects: declare({
    entity: 'project',
    pattern: "a customer's projects (by status)",
    usedBy: '`GET /projects?companyId=`, `DELETE /companies/{id}` (COUNT), company merges',
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, PROJECT#<status>#)`',
    roundTrips: '1 Query',
    query: (companyId: string, status?: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: `PROJECT#${statusPrefix(status)}` },
    }),
  }),

  // ------------------------------------------------------------------ contacts
  contactById: described({
    entity: 'contact',
    pattern: 'a contact by id',
    usedBy: '`GET /contacts/{id}` and every command on it',
    index: 'table',
    keyCondition: '`pk = CONTACT#<id>, sk = CONTACT`',
    roundTrips: '1 GetItem',
  }),
  contactByEmail: described({
    entity: 'contact',
    pattern: 'a contact by email (the uniqueness guard holds a copy)',
    usedBy: '`GET /contacts?email=`, imports',
    index: 'table',
    keyCondition: '`pk = EMAIL#<email>, sk = CONTACT`',
    roundTrips: '1 GetItem',
  }),
  contactsByName: declare({
    entity: 'contact',
    pattern: 'contacts by full name (prefix of "first last"), and all contacts by name',
    usedBy: '`GET /contacts` and `?q=` of several words',
    index: 'gsi1',
    keyCondition: '`gsi1pk = CONTACT AND begins_with(gsi1sk, <normalised q>)`',
    roundTrips: '1 Query',
    query: (namePrefix?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('CONTACT'),
      ...(namePrefix ? { sort: { beginsWith: namePrefix } } : {}),
    }),
  }),
  contactTimeline: declare({
    entity: 'activity, deal history',
    pattern: "a contact's timeline, newest first (headed by the contact itself: a real 404)",
    usedBy: '`GET /contacts/{id}/timeline`, `GET /activities?contactId=`, contact merges',
    index: 'gsi5',
    keyCondition: '`gsi5pk = CONTACT#<id> AND begins_with(gsi5sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (contactId: string) => ({
      index: 'gsi5',
      partition: partitions.contact(contactId),
      sort: { beginsWith: 'TL#' },
    }),
  }),
  contactDeals: declare({
    entity: 'deal',
    pattern: "a contact's deals (by status)",
    usedBy: '`GET /deals?contactId=`, `DELETE /contacts/{id}` (COUNT, all and open; detach), contact merges',
    index: 'gsi5',
    keyCondition: '`gsi5pk = CONTACT#<id> AND begins_with(gsi5sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (contactId: string, status?: string) => ({
      index: 'gsi5',
      partition: partitions.contact(contactId),
      sort: dealsByStatus(status),
    }),
  }),

  // ------------------------------------------------------------------ pipelines and deals
  pipelineById: described({
    entity: 'pipeline',
    pattern: 'a pipeline',
    usedBy: '`GET /pipelines/{id}`, deal commands, reports',
    index: 'table',
    keyCondition: '`pk = PIPELINE#<id>, sk = PIPELINE`',
    roundTrips: '1 GetItem',
  }),
  allPipelines: declare({
    entity: 'pipeline',
    pattern: 'every pipeline, the default first',
    usedBy: '`GET /pipelines`, stalled deals (sweep, follow-ups), `RebuildReports`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = PIPELINE`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('PIPELINE') }),
  }),
  dealById: described({
    entity: 'deal',
    pattern: 'a deal with its stage history',
    usedBy: '`GET /deals/{id}` and every command on it',
    index: 'table',
    keyCondition: '`pk = DEAL#<id>, sk = DEAL`',
    roundTrips: '1 GetItem',
  }),
  dealToWin: described({
    entity: 'deal',
    pattern: 'win a deal: the deal, its main stakeholder and template, then its company',
    usedBy: '`POST /deals/{id}/won`',
    index: 'table',
    keyCondition: 'BatchGet `DEAL#<id>`, `CONTACT#<stakeholder>`, `TEMPLATE#<id>`; Get `COMPANY#<id>`',
    roundTrips: '2 reads + 1 transaction',
  }),
  dealPartition: declare({
    entity: 'deal history, flags',
    pattern: "everything in a deal's partition (to clear it when an admin deletes the deal)",
    usedBy: '`DELETE /deals/{id}`',
    index: 'table',
    keyCondition: '`pk = DEAL#<id>`',
    roundTrips: '1 Query, then 1 TransactWriteItems of deletes per 100 items',
    query: (dealId: string) => ({ partition: partitions.deal(dealId) }),
  }),
  pipelineDeals: declare({
    entity: 'deal',
    pattern: "a pipeline's deals by stage and status (within a stage, by when they entered it)",
    usedBy: '`GET /deals?pipelineId=&stageId=&status=`, segments, `RebuildReports`',
    index: 'gsi3',
    keyCondition: '`gsi3pk = PIPELINE#<id> AND begins_with(gsi3sk, <stage>#<status>#)`',
    roundTrips: '1 Query',
    query: (pipelineId: string, stageId?: string, status?: string) => ({
      index: 'gsi3',
      partition: partitions.pipeline(pipelineId),
      ...(stageId ? { sort: { beginsWith: `${stageId}#${statusPrefix(status)}` } } : {}),
    }),
  }),
  stalledDeals: declare({
    entity: 'deal',
    pattern: 'the open deals of a stage that entered it before a cut-off (stalled)',
    usedBy: 'overdue sweep, `GET /followups`, `GET /reports/stalled`, digest',
    index: 'gsi3',
    keyCondition:
      'per stage with a `rotAfterDays`: `gsi3pk = PIPELINE#<id> AND gsi3sk BETWEEN <stage>#open# AND <stage>#open#<T − rotAfterDays>~`',
    roundTrips: '1 Query per rotting stage',
    query: (pipelineId: string, stageId: string, enteredBy: string) => ({
      index: 'gsi3',
      partition: partitions.pipeline(pipelineId),
      sort: { between: [`${stageId}#open#`, `${stageId}#open#${enteredBy}~`] },
    }),
  }),
  ownerDeals: declare({
    entity: 'deal',
    pattern: "a person's deals (by status)",
    usedBy:
      "`GET /deals?ownerId=&status=`, segments, one person's reports, `/followups` (a deactivated owner)",
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (ownerId: string, status?: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: dealsByStatus(status),
    }),
  }),
  leadSourceDeals: declare({
    entity: 'deal',
    pattern: 'deals from a lead source (by status)',
    usedBy: '`GET /deals?leadSource=`, segments',
    index: 'gsi6',
    keyCondition: '`gsi6pk = SOURCE#<source> AND begins_with(gsi6sk, DEAL#<status>#)`',
    roundTrips: '1 Query',
    query: (source: string, status?: string) => ({
      index: 'gsi6',
      partition: partitions.leadSource(source),
      sort: dealsByStatus(status),
    }),
  }),
  allDeals: declare({
    entity: 'deal',
    pattern: 'every deal (by status), newest first',
    usedBy: '`GET /deals?status=`, segments',
    index: 'gsi1',
    keyCondition: '`gsi1pk = DEAL AND begins_with(gsi1sk, <status>#)`',
    roundTrips: '1 Query',
    query: (status?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('DEAL'),
      sort: { beginsWith: statusPrefix(status) },
    }),
  }),
  orderedDeals: declare({
    entity: 'deal',
    pattern:
      'deals of a status ordered (and bounded) by expected close, value in one currency, last activity or stage entry (their ordered copies)',
    usedBy:
      '`GET /deals?sort=`, `?expectedCloseFrom=&expectedCloseTo=`, `?valueMin=&valueMax=&currency=`, segments with ranges',
    index: 'table',
    keyCondition:
      '`pk = DEALS#<close|value#<currency>|activity|stage>#<status> AND sk BETWEEN <from># AND <to>#~`; without a status, the three statuses merged',
    roundTrips: '1 Query per status (in parallel); other filters narrow it',
    query: (order: DealOrderKey, status: string, range?: [string, string]) => ({
      partition: partitions.dealOrder(order, status),
      ...(range ? { sort: { between: [`${range[0]}#`, `${range[1]}#~`] as [string, string] } } : {}),
    }),
  }),
  routeNewDeal: described({
    entity: 'lead routing',
    pattern: 'route a deal created without an owner',
    usedBy: '`POST /deals`',
    index: 'table',
    keyCondition:
      "BatchGet `CONFIG#lead-routing`, the deal's `COMPANY#`, `CONTACT#`; for a round-robin rule, UpdateItem `ROUTING#<rule>`",
    roundTrips: '+1 read, +1 counter update',
  }),

  // ------------------------------------------------------------------ activities
  activityById: described({
    entity: 'activity',
    pattern: 'an activity',
    usedBy: '`GET /activities/{id}`, `PATCH /activities/{id}`',
    index: 'table',
    keyCondition: '`pk = ACTIVITY#<id>, sk = ACTIVITY`',
    roundTrips: '1 GetItem',
  }),
  dealTimeline: declare({
    entity: 'activity, deal history',
    pattern: "a deal's timeline (its activities and changes), newest first",
    usedBy:
      '`GET /deals/{id}/timeline` (with a GetItem of the deal, in parallel: a real 404), `GET /activities?dealId=` (activities only)',
    index: 'gsi3',
    keyCondition: '`gsi3pk = DEAL#<id> AND begins_with(gsi3sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (dealId: string) => ({
      index: 'gsi3',
      partition: partitions.deal(dealId),
      sort: { beginsWith: 'TL#' },
    }),
  }),
  companyTimeline: declare({
    entity: 'activity, deal history',
    pattern: "a company's timeline (the activities and changes of its deals and contacts), newest first",
    usedBy: '`GET /companies/{id}/timeline` (with a GetItem of the company, in parallel: a real 404)',
    index: 'gsi4',
    keyCondition: '`gsi4pk = COMPANY#<id> AND begins_with(gsi4sk, TL#)`, descending',
    roundTrips: '1 Query',
    query: (companyId: string) => ({
      index: 'gsi4',
      partition: partitions.company(companyId),
      sort: { beginsWith: 'TL#' },
    }),
  }),
  ownerActivities: declare({
    entity: 'activity',
    pattern: "a person's activities, newest first",
    usedBy: '`GET /activities` (yours), `GET /activities?ownerId=`',
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, ACTIVITY#)`',
    roundTrips: '1 Query',
    query: (ownerId: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: 'ACTIVITY#' },
    }),
  }),
  assigneeActivities: declare({
    entity: 'activity',
    pattern: "a person's CRM tasks, open or done, by due time (optionally due before an instant)",
    usedBy: '`GET /activities?assigneeId=&done=&dueBefore=`, `/followups` (a deactivated assignee)',
    index: 'gsi6',
    keyCondition:
      '`gsi6pk = ASSIGNEE#<user> AND begins_with(gsi6sk, ACTIVITY#[<open|done>#])`, or `BETWEEN ACTIVITY#<open|done># AND ACTIVITY#<open|done>#<dueBefore>`',
    roundTrips: '1 Query (without done, dueBefore is a filter)',
    query: (assigneeId: string, state?: 'open' | 'done', dueBefore?: string) => ({
      index: 'gsi6',
      partition: partitions.assignee(assigneeId),
      sort:
        state && dueBefore
          ? { between: [`ACTIVITY#${state}#`, `ACTIVITY#${state}#${dueBefore}`] }
          : { beginsWith: `ACTIVITY#${state ? `${state}#` : ''}` },
    }),
  }),

  // ------------------------------------------------------------------ follow-ups
  dueBy: declare({
    entity: 'deal, task, activity',
    pattern: 'next actions, tasks and CRM tasks due at or before T (one due-index shard)',
    usedBy: 'overdue sweep, `GET /followups`, `GET /deals?overdue=true`, digest',
    index: 'due',
    keyCondition: `\`duepk = DUE#<shard> AND duesk <= <T>~\`, for each of the ${DUE_SHARDS} shards`,
    roundTrips: `${DUE_SHARDS} Query (parallel)`,
    query: (shard: number, until: string) => ({
      index: 'due',
      partition: partitions.due(shard),
      sort: { lessThanOrEqual: `${until}~` },
    }),
  }),
  waitingForProject: declare({
    entity: 'deal',
    pattern: 'won deals still without a project, won before a cut-off',
    usedBy: 'gap monitor, `GET /followups`',
    index: 'due',
    keyCondition: '`duepk = HANDOFF#PENDING AND duesk <= <T − grace>~`',
    roundTrips: '1 Query',
    query: (cutoff: string) => ({
      index: 'due',
      partition: partitions.handoffPending(),
      sort: { lessThanOrEqual: `${cutoff}~` },
    }),
  }),
  projectsAtRisk: declare({
    entity: 'project',
    pattern: 'live projects whose projected finish is past their promise, at risk longest first',
    usedBy: '`GET /followups`, digest',
    index: 'due',
    keyCondition: '`duepk = PROJECTS#AT-RISK`',
    roundTrips: '1 Query',
    query: () => ({ index: 'due', partition: partitions.projectsAtRisk() }),
  }),
  flagOnce: described({
    entity: 'flag',
    pattern: 'flag a follow-up once per due time',
    usedBy: 'overdue sweep, gap monitor',
    index: 'table',
    keyCondition:
      'Put `FLAG#DEAL#<id>` / `OVERDUE#<dueAt>`, `STALLED#<entered>`, `HANDOFF#<won>`; `FLAG#TASK#<id>` / `OVERDUE#<due date>`, if absent',
    roundTrips: '1 transaction per new flag',
  }),
  allProfiles: declare({
    entity: 'profile',
    pattern: 'every person who used Handoff (their profiles)',
    usedBy: '`GET /users`, daily digest, `/followups` (who is deactivated)',
    index: 'gsi1',
    keyCondition: '`gsi1pk = USER`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('USER') }),
  }),
  profileById: described({
    entity: 'profile',
    pattern: "a person's profile (whether they are active)",
    usedBy:
      '`GET /me`, `GET /users/{id}`, `PATCH /users/{id}`, the handoff (is the delivery owner named by the win or the template still active)',
    index: 'table',
    keyCondition: '`pk = USER#<userId>, sk = USER`',
    roundTrips: '1 GetItem (the handoff: at most 2, in parallel)',
  }),
  digestOnce: described({
    entity: 'digest, mail',
    pattern: 'decide and send one digest per person and local day',
    usedBy: 'daily digest, digest mailer',
    index: 'table',
    keyCondition: 'Put `DIGEST#<user>` / `<local date>`, then `MAIL#<user>` / `<local date>`, each if absent',
    roundTrips: '1 transaction + 1 conditional Put per person',
  }),

  // ------------------------------------------------------------------ delivery
  templateById: described({
    entity: 'template',
    pattern: 'a template',
    usedBy: '`GET /templates/{id}`, `POST /projects`, the handoff',
    index: 'table',
    keyCondition: '`pk = TEMPLATE#<id>, sk = TEMPLATE`',
    roundTrips: '1 GetItem',
  }),
  allTemplates: declare({
    entity: 'template',
    pattern: 'every template, the default first, by name',
    usedBy: '`GET /templates`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = TEMPLATE`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('TEMPLATE') }),
  }),
  projectWithTasks: declare({
    entity: 'project, task',
    pattern: 'a project with all its tasks (consistent)',
    usedBy: '`GET /projects/{id}`, `/schedule`, `GET /deals/{id}/project`, every task command, the cascade',
    index: 'table',
    keyCondition: "`pk = PROJECT#<id> AND sk BETWEEN 'PROJECT' AND 'TASK#~'`",
    roundTrips: '1 Query',
    query: (projectId: string) => ({
      partition: keys.project(projectId).pk,
      sort: { between: ['PROJECT', 'TASK#~'] },
    }),
  }),
  allProjects: declare({
    entity: 'project',
    pattern: 'every project (by status), newest first',
    usedBy: '`GET /projects?status=`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = PROJECT AND begins_with(gsi1sk, <status>#)`',
    roundTrips: '1 Query',
    query: (status?: string) => ({
      index: 'gsi1',
      partition: partitions.allOf('PROJECT'),
      sort: { beginsWith: statusPrefix(status) },
    }),
  }),
  ownerProjects: declare({
    entity: 'project',
    pattern: "the projects a person delivers (their delivery owner's, by status)",
    usedBy: '`GET /projects?ownerId=`',
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, PROJECT#<status>#)`',
    roundTrips: '1 Query',
    query: (ownerId: string, status?: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: `PROJECT#${statusPrefix(status)}` },
    }),
  }),
  taskLocator: declare({
    entity: 'task',
    pattern: 'a task by its id alone (its locator carries the whole task)',
    usedBy: '`GET /tasks/{id}`, every task command',
    index: 'gsi1',
    keyCondition: '`gsi1pk = TASK#<id>`',
    roundTrips: '1 Query',
    query: (taskId: string) => ({ index: 'gsi1', partition: partitions.taskLocator(taskId) }),
  }),
  assigneeTasks: declare({
    entity: 'task',
    pattern: "a person's tasks by due date (open or done)",
    usedBy: '`GET /tasks?assigneeId=&status=`, `/followups` (a deactivated assignee)',
    index: 'gsi2',
    keyCondition: '`gsi2pk = ASSIGNEE#<user> AND begins_with(gsi2sk, TASK#<open|done>#)`',
    roundTrips: '1 Query',
    query: (assigneeId: string, status?: 'open' | 'done') => ({
      index: 'gsi2',
      partition: partitions.assignee(assigneeId),
      sort: { beginsWith: `TASK#${statusPrefix(status)}` },
    }),
  }),
  projectTimeEntries: declare({
    entity: 'time entry',
    pattern: "a project's time entries, newest day first",
    usedBy: '`GET /projects/{id}/time-entries`',
    index: 'table',
    keyCondition: '`pk = PROJECT#<id> AND begins_with(sk, TIME#)`',
    roundTrips: '1 Query',
    query: (projectId: string) => ({ partition: keys.project(projectId).pk, sort: { beginsWith: 'TIME#' } }),
  }),
  attachmentById: described({
    entity: 'attachment',
    pattern: 'an attachment',
    usedBy: '`GET /attachments/{id}`, `POST /attachments/{id}/complete`, `DELETE /attachments/{id}`',
    index: 'table',
    keyCondition: '`pk = ATTACHMENT#<id>, sk = ATTACHMENT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
  }),
  recordAttachments: declare({
    entity: 'attachment',
    pattern: "a deal's, contact's, company's, project's or task's stored attachments, newest first",
    usedBy: "`GET /{deals|contacts|companies|projects|tasks}/{id}/attachments` (a project adds its deal's)",
    index: 'gsi3',
    keyCondition: '`gsi3pk = ATTACHED#<kind>#<id>`, descending',
    roundTrips: '1 Query (2 in parallel for a project made from a deal)',
    query: (kind: string, id: string) => ({ index: 'gsi3', partition: partitions.attachments(kind, id) }),
  }),
  timeEntryById: declare({
    entity: 'time entry',
    pattern: 'a time entry by its id alone (its locator carries the whole entry)',
    usedBy: '`PATCH /time-entries/{id}`, `DELETE /time-entries/{id}`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = TIME-ENTRY#<id>`',
    roundTrips: '1 Query',
    query: (id: string) => ({ index: 'gsi1', partition: partitions.timeEntryLocator(id) }),
  }),
  taskComments: declare({
    entity: 'comment',
    pattern: "a task's comments, oldest first",
    usedBy: '`GET /tasks/{id}/comments`',
    index: 'table',
    keyCondition: '`pk = PROJECT#<projectId> AND begins_with(sk, NOTE#<taskId>#)`',
    roundTrips: '2 (locate + Query)',
    query: (projectId: string, taskId: string) => ({
      partition: keys.project(projectId).pk,
      sort: { beginsWith: `NOTE#${taskId}#` },
    }),
  }),

  // ------------------------------------------------------------------ reports
  reportStages: declare({
    entity: 'report totals',
    pattern: "a pipeline's open deals per stage (every shard)",
    usedBy: '`GET /reports/pipeline`, `GET /reports/forecast` (undated deals)',
    index: 'table',
    keyCondition: '`pk = REPORT#<id> AND begins_with(sk, STAGES#)` + the pipeline',
    roundTrips: '2 requests, in parallel',
    query: (pipelineId: string, stagesBucket: string) => ({
      partition: partitions.reportTotals(pipelineId),
      sort: { beginsWith: `${stagesBucket}#` },
    }),
  }),
  reportMonths: declare({
    entity: 'report totals',
    pattern: "a pipeline's monthly buckets of one kind (forecast or cohort) over a range of months",
    usedBy:
      '`GET /reports/forecast` (the range, and the months before it: overdue), `/conversion`, `/sources`',
    index: 'table',
    keyCondition: '`pk = REPORT#<id> AND sk BETWEEN <KIND>#<from># AND <KIND>#<to>#~` + the pipeline',
    roundTrips: '2–3 requests, in parallel',
    /** `fromBucket`, `toBucket`: the month buckets as domain/reports/totals.ts names them. */
    query: (pipelineId: string, fromBucket: string, toBucket: string) => ({
      partition: partitions.reportTotals(pipelineId),
      sort: { between: [`${fromBucket}#`, `${toBucket}#~`] },
    }),
  }),
  everyReportTotal: declare({
    entity: 'report totals',
    pattern: 'every stored total of a pipeline (to compare with a rebuild)',
    usedBy: '`RebuildReports`',
    index: 'table',
    keyCondition: '`pk = REPORT#<id>`',
    roundTrips: '1 Query per pipeline',
    query: (pipelineId: string) => ({ partition: partitions.reportTotals(pipelineId) }),
  }),

  // ------------------------------------------------------------------ segments, duplicates, transfers
  allSegments: declare({
    entity: 'segment',
    pattern: 'the saved segments, by name',
    usedBy: '`GET /segments`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = SEGMENT`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('SEGMENT') }),
  }),
  segmentMembers: described({
    entity: 'segment',
    pattern: 'run a segment',
    usedBy: '`GET /segments/{id}/members`, exports',
    index: 'table',
    keyCondition: 'the segment, then its planned Query (the list patterns of its entity)',
    roundTrips: '1 GetItem + 1 Query',
  }),
  likelyDuplicates: declare({
    entity: 'duplicate pair',
    pattern: 'likely duplicates, oldest found first',
    usedBy: '`GET /contacts/duplicates`, `/companies/duplicates`',
    index: 'gsi1',
    keyCondition: '`gsi1pk = DUPLICATES#<kind>`, then BatchGet both records of each pair',
    roundTrips: '1 Query + 1 BatchGet',
    query: (kind: 'contact' | 'company') => ({ index: 'gsi1', partition: partitions.duplicates(kind) }),
  }),
  recordPairs: declare({
    entity: 'duplicate pair',
    pattern: "a record's likely-duplicate pairs",
    usedBy: 'contact and company writes that change their match keys, merges',
    index: 'table',
    keyCondition: '`pk = CONTACT#<id> | COMPANY#<id> AND begins_with(sk, DUPLICATE#)`',
    roundTrips: '+1 Query, only when a write changes the match keys',
    query: (kind: 'contact' | 'company', id: string) => ({
      partition: kind === 'contact' ? partitions.contact(id) : partitions.company(id),
      sort: { beginsWith: 'DUPLICATE#' },
    }),
  }),
  matchKeyMembers: declare({
    entity: 'match key',
    pattern: "a match key's members",
    usedBy: 'contact and company writes, imports (companies by domain)',
    index: 'table',
    keyCondition: '`pk = MATCH#<kind>#<key>` (limit 11)',
    roundTrips: '1 Query per changed key, in parallel',
    query: (kind: 'contact' | 'company', key: string) => ({ partition: partitions.match(kind, key) }),
  }),
  importById: described({
    entity: 'import job',
    pattern: 'an import and its progress',
    usedBy: '`GET /imports/{id}`, the import function',
    index: 'table',
    keyCondition: '`pk = IMPORT#<id>, sk = IMPORT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
  }),
  ownerImports: declare({
    entity: 'import job',
    pattern: "a person's imports, newest first",
    usedBy: '`GET /imports`',
    index: 'gsi2',
    keyCondition: '`gsi2pk = OWNER#<user> AND begins_with(gsi2sk, IMPORT#)`, descending',
    roundTrips: '1 Query',
    query: (ownerId: string) => ({
      index: 'gsi2',
      partition: partitions.owner(ownerId),
      sort: { beginsWith: 'IMPORT#' },
    }),
  }),
  exportById: described({
    entity: 'export job',
    pattern: 'an export and its file',
    usedBy: '`GET /exports/{id}`, the export function',
    index: 'table',
    keyCondition: '`pk = EXPORT#<id>, sk = EXPORT`',
    roundTrips: '1 GetItem (+ a presigned link, no I/O)',
  }),
};

export type AccessPatternName = keyof typeof accessPatterns;
