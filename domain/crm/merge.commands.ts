import type { Project } from '../delivery/project.js';
import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Forbidden, ValidationFailed } from '../shared/errors.js';
import type { Activity } from './activity.js';
import type { Company } from './company.js';
import { type Contact, displayName } from './contact.js';
import type { Deal } from './deal.js';

// Merging duplicates: the survivor keeps its own values, takes what it lacks from the duplicate,
// and gains the duplicate's emails, phones, tags and notes; everything linked to the duplicate
// (deals, activities, contacts, projects) has been moved to it before this decision, in
// idempotent steps. The duplicate becomes a tombstone that answers 410 naming the survivor.

/** The most notes one record holds; the rest of a merged duplicate's notes become a note activity. */
const MAX_NOTES = 10_000;

export function assertMayMerge(ctx: CommandContext, survivorId: string, duplicateId: string): void {
  if (!hasRole(ctx.actor, 'admin', 'manager')) {
    throw new Forbidden('only managers and admins merge records (a merge retires one of them)');
  }
  if (survivorId === duplicateId) {
    throw new ValidationFailed([
      { path: 'duplicateId', message: 'is the record itself; name its duplicate' },
    ]);
  }
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

function mergedNotes(
  survivor: { notes?: string | undefined },
  duplicate: { id: string; notes?: string | undefined },
  name: string,
  ctx: CommandContext,
): { notes?: string; overflow?: string } {
  if (!duplicate.notes) return survivor.notes ? { notes: survivor.notes } : {};
  const heading = `Notes of ${name} (${duplicate.id}), merged ${ctx.now.slice(0, 10)}:`;
  const combined = survivor.notes
    ? `${survivor.notes}\n\n${heading}\n${duplicate.notes}`
    : `${heading}\n${duplicate.notes}`;
  if (combined.length <= MAX_NOTES) return { notes: combined };
  return { ...(survivor.notes ? { notes: survivor.notes } : {}), overflow: `${heading}\n${duplicate.notes}` };
}

function changedFields<T extends object>(before: T, after: T): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter(
    (k) =>
      !['updatedAt', 'version'].includes(k) &&
      JSON.stringify((before as Record<string, unknown>)[k]) !==
        JSON.stringify((after as Record<string, unknown>)[k]),
  );
}

export function mergeContacts(
  survivor: Contact,
  duplicate: Contact,
  moved: Record<string, number>,
  ctx: CommandContext,
): { contact: Contact; events: DomainEvent[]; noteActivity?: Activity } {
  assertMayMerge(ctx, survivor.id, duplicate.id);
  const { notes, overflow } = mergedNotes(survivor, duplicate, displayName(duplicate), ctx);
  const { notes: _n, ...rest } = survivor;
  const customFields = { ...duplicate.customFields, ...survivor.customFields };
  const contact: Contact = {
    ...rest,
    ...((survivor.lastName ?? duplicate.lastName)
      ? { lastName: survivor.lastName ?? duplicate.lastName }
      : {}),
    emails: union(survivor.emails, duplicate.emails),
    phones: union(survivor.phones, duplicate.phones),
    ...((survivor.title ?? duplicate.title) ? { title: survivor.title ?? duplicate.title } : {}),
    ...((survivor.companyId ?? duplicate.companyId)
      ? { companyId: survivor.companyId ?? duplicate.companyId }
      : {}),
    tags: union(survivor.tags, duplicate.tags),
    ...(notes ? { notes } : {}),
    ...(Object.keys(customFields).length ? { customFields } : {}),
    updatedAt: ctx.now,
    version: survivor.version + 1,
  };
  const noteActivity: Activity | undefined = overflow
    ? {
        id: ctx.newId('activity'),
        type: 'note',
        subject: `Notes of ${displayName(duplicate)}, merged`,
        body: overflow.slice(0, 20_000),
        contactId: survivor.id,
        ownerId: ctx.actor.userId,
        occurredAt: ctx.now,
        done: true,
        createdAt: ctx.now,
        updatedAt: ctx.now,
        version: 1,
      }
    : undefined;
  const events = [
    emit(ctx, 'ContactsMerged', { survivorId: survivor.id, mergedId: duplicate.id, moved }),
    emit(ctx, 'ContactUpdated', { contact, changed: changedFields(survivor, contact) }),
  ];
  if (noteActivity) events.push(emit(ctx, 'ActivityLogged', { activity: noteActivity }));
  return { contact, events, ...(noteActivity ? { noteActivity } : {}) };
}

export function mergeCompanies(
  survivor: Company,
  duplicate: Company,
  moved: Record<string, number>,
  ctx: CommandContext,
): { company: Company; events: DomainEvent[] } {
  assertMayMerge(ctx, survivor.id, duplicate.id);
  // companies have no timeline to take the overflow: what does not fit is cut, and says so
  const merged = mergedNotes(survivor, duplicate, duplicate.name, ctx);
  const base = merged.notes ? `${merged.notes}\n\n` : '';
  const notes = merged.overflow
    ? `${base}${merged.overflow.slice(0, Math.max(0, MAX_NOTES - base.length - 1))}…`
    : merged.notes;
  const { notes: _n, ...rest } = survivor;
  const customFields = { ...duplicate.customFields, ...survivor.customFields };
  const company: Company = {
    ...rest,
    ...((survivor.domain ?? duplicate.domain) ? { domain: survivor.domain ?? duplicate.domain } : {}),
    ...((survivor.address ?? duplicate.address) ? { address: survivor.address ?? duplicate.address } : {}),
    ...((survivor.phone ?? duplicate.phone) ? { phone: survivor.phone ?? duplicate.phone } : {}),
    tags: union(survivor.tags, duplicate.tags),
    ...(notes ? { notes } : {}),
    ...(Object.keys(customFields).length ? { customFields } : {}),
    updatedAt: ctx.now,
    version: survivor.version + 1,
  };
  return {
    company,
    events: [
      emit(ctx, 'CompaniesMerged', { survivorId: survivor.id, mergedId: duplicate.id, moved }),
      emit(ctx, 'CompanyUpdated', { company, changed: changedFields(survivor, company) }),
    ],
  };
}

// What a merge moves: each linked record points at the survivor instead of the duplicate, as a
// change of its own (a new version and its Updated event), so integrators who keep copies see it.

function relinked<T extends { version: number; updatedAt: string }>(
  record: T,
  changes: Partial<T>,
  ctx: CommandContext,
): T {
  return { ...record, ...changes, updatedAt: ctx.now, version: record.version + 1 };
}

export function relinkDeal(
  deal: Deal,
  links: { contactId?: string; companyId?: string; companyName?: string },
  ctx: CommandContext,
): { deal: Deal; events: DomainEvent[] } {
  const next = relinked(deal, links, ctx);
  return { deal: next, events: [emit(ctx, 'DealUpdated', { deal: next, changed: Object.keys(links) })] };
}

export function relinkActivity(
  activity: Activity,
  contactId: string,
  ctx: CommandContext,
): { activity: Activity; events: DomainEvent[] } {
  const next = relinked(activity, { contactId }, ctx);
  return {
    activity: next,
    events: [emit(ctx, 'ActivityUpdated', { activity: next, changed: ['contactId'] })],
  };
}

export function relinkContact(
  contact: Contact,
  companyId: string,
  ctx: CommandContext,
): { contact: Contact; events: DomainEvent[] } {
  const next = relinked(contact, { companyId }, ctx);
  return { contact: next, events: [emit(ctx, 'ContactUpdated', { contact: next, changed: ['companyId'] })] };
}

export function relinkProject(
  project: Project,
  companyId: string,
  ctx: CommandContext,
): { project: Project; events: DomainEvent[] } {
  const next = relinked(project, { customer: { ...project.customer, companyId } }, ctx);
  return { project: next, events: [emit(ctx, 'ProjectUpdated', { project: next, changed: ['customer'] })] };
}
