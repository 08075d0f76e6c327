import { createCompany, updateCompany } from '../../../domain/crm/company.commands.js';
import { type Company, CompanyPatch, NewCompany } from '../../../domain/crm/company.js';
import { createContact, updateContact } from '../../../domain/crm/contact.commands.js';
import { type Contact, ContactPatch, NewContact } from '../../../domain/crm/contact.js';
import { createDeal, updateDeal, withCompanyName } from '../../../domain/crm/deal.commands.js';
import { type Deal, DealPatch, NewDeal } from '../../../domain/crm/deal.js';
import { DEFAULT_PIPELINE_ID, type Pipeline } from '../../../domain/crm/pipeline.js';
import type { CustomFieldEntity } from '../../../domain/custom-fields/custom-fields.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import {
  CustomFieldsChanged,
  DomainError,
  type FieldIssue,
  ValidationFailed,
} from '../../../domain/shared/errors.js';
import { ID_PREFIX, type IdKind, newEventId, newId } from '../../../domain/shared/ids.js';
import { issuesOf } from '../../../domain/shared/validation.js';
import type { ImportJobState, RecordKind } from '../../../domain/transfer/jobs.js';
import { requireDealLinks } from '../../crm/use-cases/deal-links.js';
import type { Services } from '../../lib/services.js';
import { ConcurrentModification } from '../../lib/table/store.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

// Writing one imported row: the same commands, schemas and transactions as the API, with the
// row's record id derived from the import and the row number, so that running an import again
// (a retry after a crash) finds what it already wrote instead of writing it twice. A row that
// matches an existing record (contacts by email, companies by domain, any kind by `id`) is
// skipped or updated, as the import asked. What a row cannot be is a rejection with its reasons.
// Over 300 lines: one writer per kind of record, sharing the retry-safe row identity above them.

export type RowOutcome = 'created' | 'updated' | { skipped: string } | { rejected: FieldIssue[] };

/** Why a row that matched an existing record was left alone. */
const skipped = (kind: string, id: string, onDuplicate: 'skip' | 'update') => ({
  skipped:
    onDuplicate === 'skip'
      ? `matches ${kind} ${id}, and the import skips duplicates (onDuplicate: skip)`
      : `matches ${kind} ${id}, which already has these values`,
});

type Input = Record<string, unknown>;

export class RowWriter {
  private readonly pipelines = new Map<string, Promise<Pipeline | undefined>>();
  private readonly domains = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly s: Pick<
      Services,
      | 'companies'
      | 'contacts'
      | 'customFields'
      | 'deals'
      | 'duplicates'
      | 'leadRouting'
      | 'pipelines'
      | 'profiles'
      | 'store'
    >,
    private readonly job: ImportJobState,
  ) {}

  /** The row's record id: stable across attempts of the same import. */
  private derivedId(kind: IdKind, row: number): string {
    return `${ID_PREFIX[kind]}_${this.job.id.slice(ID_PREFIX.import.length + 1)}R${row}`;
  }

  /** A row's command context: the importer acting, the row's own record id for its kind. */
  private context(row?: number, primary?: IdKind): CommandContext {
    return {
      now: new Date().toISOString(),
      actor: this.job.actor,
      correlationId: this.job.id,
      newId: (kind) => (row !== undefined && kind === primary ? this.derivedId(kind, row) : newId(kind)),
      newEventId,
    };
  }

  async write(kind: RecordKind, row: number, input: Input, lane: number): Promise<RowOutcome> {
    // custom field definitions changed mid-import: the row is checked again, once
    for (let attempt = 0; ; attempt++) {
      try {
        if (kind === 'contacts') return await this.contact(row, input);
        if (kind === 'companies') return await this.company(row, input);
        return await this.deal(row, input, lane);
      } catch (error) {
        if (error instanceof CustomFieldsChanged && attempt === 0) continue;
        if (error instanceof ValidationFailed) return { rejected: error.issues };
        if (error instanceof DomainError && !(error instanceof ConcurrentModification))
          return { rejected: [{ path: '', message: error.message }] };
        throw error;
      }
    }
  }

  /** Parses the row with the API's schema and the custom fields, all issues at once. */
  private async parse<T>(
    schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: unknown } },
    entity: CustomFieldEntity,
    input: Input,
  ) {
    const { customFields: raw, ...rest } = input;
    const result = schema.safeParse(rest);
    const custom = await this.s.customFields.check(entity, raw, 'create');
    const issues = [...(result.success ? [] : issuesOf(result.error as never)), ...custom.issues];
    if (issues.length) throw new ValidationFailed(issues);
    return {
      body: { ...(result.data as Input), ...(custom.values ? { customFields: custom.values } : {}) } as T,
      unchanged: custom.unchanged,
    };
  }

  private companyByDomain(domain: string): Promise<string | undefined> {
    const key = domain.trim().toLowerCase();
    let found = this.domains.get(key);
    if (!found) {
      found = this.s.duplicates.companyWithDomain(key);
      this.domains.set(key, found);
    }
    return found;
  }

  private async linkCompany(input: Input): Promise<void> {
    if (typeof input.companyDomain !== 'string') return;
    const id = await this.companyByDomain(input.companyDomain);
    if (!id)
      throw new ValidationFailed([
        { path: 'companyDomain', message: `no company has the domain ${input.companyDomain}` },
      ]);
    input.companyId ??= id;
    delete input.companyDomain;
  }

  private async existing<T>(
    id: unknown,
    what: string,
    get: (id: string) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    if (typeof id !== 'string') return undefined;
    const found = await get(id);
    if (!found) throw new ValidationFailed([{ path: 'id', message: `no ${what} has the id ${id}` }]);
    return found;
  }

  // ------------------------------------------------------------------- contacts

  private async contact(row: number, input: Input): Promise<RowOutcome> {
    await this.linkCompany(input);
    const { id, ...fields } = input;
    const { body, unchanged } = await this.parse<NewContact>(NewContact, 'contact', fields);
    const derived = this.derivedId('contact', row);
    const byId = await this.existing(id, 'contact', (i) => this.s.contacts.get(i));
    let match = byId;
    for (const email of body.emails) if (!match) match = await this.s.contacts.findByEmail(email);
    if (match?.id === derived) return 'created';
    if (match) return this.updateContact(match, body, unchanged);
    try {
      await retryOnConflict(undefined, async () => {
        const ctx = this.context(row, 'contact');
        const { contact, events } = createContact(body, ctx);
        const uow = this.s.contacts.create(new UnitOfWork(), contact).events(events).add(unchanged);
        if (contact.companyId) this.s.companies.requireExists(uow, contact.companyId, 'companyId');
        uow.add(...(await this.s.duplicates.track('contact', null, contact, ctx.now)));
        await uow.commit(this.s.store);
      });
      return 'created';
    } catch (error) {
      // an earlier attempt wrote this row; or another row of the file took the email first
      const taken = (error as { extensions?: { existingContactId?: string } }).extensions?.existingContactId;
      if (error instanceof ConcurrentModification && (await this.s.contacts.get(derived))) return 'created';
      if (taken === derived) return 'created';
      if (taken) return this.updateContact((await this.s.contacts.get(taken))!, body, unchanged);
      throw error;
    }
  }

  private async updateContact(current: Contact, body: NewContact, unchanged: UnitOfWork['writes'][number]) {
    if (this.job.onDuplicate === 'skip') return skipped('contact', current.id, 'skip');
    const patch = ContactPatch.parse({
      ...body,
      emails: [...new Set([...current.emails, ...body.emails])],
      phones: [...new Set([...current.phones, ...body.phones])],
      tags: [...new Set([...current.tags, ...body.tags])],
    });
    return retryOnConflict(undefined, async () => {
      const fresh = (await this.s.contacts.get(current.id)) ?? current;
      const ctx = this.context();
      const { contact, events } = updateContact(fresh, patch, ctx);
      if (events.length === 0) return skipped('contact', fresh.id, 'update');
      const uow = this.s.contacts.update(new UnitOfWork(), fresh, contact).events(events).add(unchanged);
      if (patch.companyId) this.s.companies.requireExists(uow, patch.companyId, 'companyId');
      uow.add(...(await this.s.duplicates.track('contact', fresh, contact, ctx.now)));
      await uow.commit(this.s.store);
      return 'updated' as const;
    });
  }

  // ------------------------------------------------------------------- companies

  private async company(row: number, input: Input): Promise<RowOutcome> {
    const { id, ...fields } = input;
    const { body, unchanged } = await this.parse<NewCompany>(NewCompany, 'company', fields);
    // rows of one file with the same domain are one company: they take turns
    return body.domain
      ? this.inTurn(`domain:${body.domain}`, () => this.writeCompany(row, id, body, unchanged))
      : this.writeCompany(row, id, body, unchanged);
  }

  private readonly turns = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier work of the same key (rows that may be one record). */
  private inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.turns.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.turns.set(
      key,
      mine.catch(() => undefined),
    );
    return mine;
  }

  private async writeCompany(
    row: number,
    id: unknown,
    body: NewCompany,
    unchanged: UnitOfWork['writes'][number],
  ): Promise<RowOutcome> {
    const derived = this.derivedId('company', row);
    let match = await this.existing(id, 'company', (i) => this.s.companies.get(i));
    if (!match && body.domain) {
      const other = await this.companyByDomain(body.domain);
      if (other) match = await this.s.companies.get(other);
    }
    if (match?.id === derived) return 'created';
    if (match) return this.updateCompany(match, body, unchanged);
    try {
      await retryOnConflict(undefined, async () => {
        const ctx = this.context(row, 'company');
        const { company, events } = createCompany(body, ctx);
        const uow = this.s.companies.create(new UnitOfWork(), company).events(events).add(unchanged);
        uow.add(...(await this.s.duplicates.track('company', null, company, ctx.now)));
        await uow.commit(this.s.store);
        // later rows may link to it by its domain
        if (company.domain) this.domains.set(company.domain, Promise.resolve(company.id));
      });
      return 'created';
    } catch (error) {
      if (error instanceof ConcurrentModification && (await this.s.companies.get(derived))) return 'created';
      throw error;
    }
  }

  private async updateCompany(current: Company, body: NewCompany, unchanged: UnitOfWork['writes'][number]) {
    if (this.job.onDuplicate === 'skip') return skipped('company', current.id, 'skip');
    const patch = CompanyPatch.parse({ ...body, tags: [...new Set([...current.tags, ...body.tags])] });
    return retryOnConflict(undefined, async () => {
      const fresh = (await this.s.companies.get(current.id)) ?? current;
      const ctx = this.context();
      const { company, events } = updateCompany(fresh, patch, ctx);
      if (events.length === 0) return skipped('company', fresh.id, 'update');
      const uow = this.s.companies.update(new UnitOfWork(), fresh, company).events(events).add(unchanged);
      uow.add(...(await this.s.duplicates.track('company', fresh, company, ctx.now)));
      await uow.commit(this.s.store);
      return 'updated' as const;
    });
  }

  // ------------------------------------------------------------------- deals

  private pipeline(id: string): Promise<Pipeline | undefined> {
    let found = this.pipelines.get(id);
    if (!found) {
      found = this.s.pipelines.get(id);
      this.pipelines.set(id, found);
    }
    return found;
  }

  private async deal(row: number, input: Input, lane: number): Promise<RowOutcome> {
    const { id, status, stage, contactEmail, ...fields } = input;
    const issues: FieldIssue[] = [];
    if (status !== undefined && status !== 'open')
      issues.push({
        path: 'status',
        message: 'only open deals are imported (won and lost ones need their history)',
      });
    await this.s.pipelines.ensureDefault(new Date().toISOString());
    const pipelineId = typeof fields.pipelineId === 'string' ? fields.pipelineId : DEFAULT_PIPELINE_ID;
    const pipeline = await this.pipeline(pipelineId);
    if (!pipeline) issues.push({ path: 'pipelineId', message: `pipeline ${pipelineId} does not exist` });
    if (pipeline && typeof stage === 'string') {
      const wanted = stage.trim().toLowerCase();
      const found = pipeline.stages.find((s) => s.id === stage.trim() || s.name.toLowerCase() === wanted);
      if (found) fields.stageId = found.id;
      else
        issues.push({
          path: 'stageId',
          message: `is not a stage of pipeline ${pipeline.name}: ${pipeline.stages.map((s) => s.name).join(', ')}`,
        });
    }
    if (typeof contactEmail === 'string') {
      const contact = await this.s.contacts.findByEmail(contactEmail.trim().toLowerCase());
      if (contact) fields.contactId ??= contact.id;
      else issues.push({ path: 'contactEmail', message: `no contact has the email ${contactEmail}` });
    }
    try {
      await this.linkCompany(fields);
    } catch (error) {
      if (error instanceof ValidationFailed) issues.push(...error.issues);
      else throw error;
    }
    let parsed: { body: NewDeal; unchanged: UnitOfWork['writes'][number] } | undefined;
    try {
      parsed = await this.parse<NewDeal>(NewDeal, 'deal', fields);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      issues.push(...error.issues);
    }
    // the domain says this too, but only once the rest is right: say it with the rest
    if (parsed && !parsed.body.nextAction)
      issues.push({ path: 'nextAction', message: 'an open deal must have a next action' });
    if (issues.length || !parsed || !pipeline) throw new ValidationFailed(issues);
    const { body, unchanged } = parsed;

    const derived = this.derivedId('deal', row);
    const current =
      (await this.existing(id, 'deal', (i) => this.s.deals.get(i))) ?? (await this.s.deals.get(derived));
    if (current?.id === derived) return 'created';
    if (current) return this.updateDeal(current, body, unchanged, lane);

    const routed = body.ownerId ? undefined : await this.s.leadRouting.ownerFor(body);
    try {
      await retryOnConflict(undefined, async () => {
        const ctx = this.context(row, 'deal');
        const companyName = body.companyId ? await this.s.companies.nameOf(body.companyId) : undefined;
        const { deal, events } = withCompanyName(createDeal(body, pipeline, ctx, routed), companyName);
        const uow = this.s.deals
          .create(new UnitOfWork(), deal, events[0]!, { shard: lane })
          .events(events)
          .add(unchanged);
        requireDealLinks(uow, deal, this.s, ctx.actor);
        await uow.commit(this.s.store);
      });
      return 'created';
    } catch (error) {
      if (error instanceof ConcurrentModification && (await this.s.deals.get(derived))) return 'created';
      throw error;
    }
  }

  private async updateDeal(
    current: Deal,
    body: NewDeal,
    unchanged: UnitOfWork['writes'][number],
    lane: number,
  ) {
    if (this.job.onDuplicate === 'skip') return skipped('deal', current.id, 'skip');
    const { nextAction: _n, pipelineId: _p, stageId: _s, ...rest } = body;
    const patch = DealPatch.parse({ ...rest, tags: [...new Set([...current.tags, ...body.tags])] });
    return retryOnConflict(undefined, async () => {
      const fresh = (await this.s.deals.get(current.id)) ?? current;
      const decision = updateDeal(fresh, patch, this.context());
      const { deal, events } =
        patch.companyId && patch.companyId !== fresh.companyId
          ? withCompanyName(decision, await this.s.companies.nameOf(patch.companyId))
          : decision;
      if (events.length === 0) return skipped('deal', fresh.id, 'update');
      const uow = this.s.deals
        .update(new UnitOfWork(), fresh, deal, { shard: lane })
        .events(events)
        .add(unchanged);
      if (deal.ownerId !== fresh.ownerId)
        uow.add(...this.s.profiles.requireActive('ownerId', deal.ownerId, this.job.actor));
      if (deal.companyId && deal.companyId !== fresh.companyId && deal.companyName !== undefined)
        this.s.companies.requireNamed(uow, deal.companyId, deal.companyName, 'companyId');
      await uow.commit(this.s.store);
      return 'updated' as const;
    });
  }
}
