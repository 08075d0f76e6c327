import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Conflict, Forbidden } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import type { Contact, ContactPatch, NewContact } from './contact.js';

export function createContact(
  input: NewContact,
  ctx: CommandContext,
): { contact: Contact; events: DomainEvent[] } {
  const contact: Contact = {
    id: ctx.newId('contact'),
    ...input,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  return { contact, events: [emit(ctx, 'ContactCreated', { contact })] };
}

export function updateContact(
  current: Contact,
  patch: ContactPatch,
  ctx: CommandContext,
): { contact: Contact; events: DomainEvent[] } {
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { contact: current, events: [] };
  const contact = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  return { contact, events: [emit(ctx, 'ContactUpdated', { contact, changed })] };
}

/** What refers to a contact: the deals it is the primary contact of. */
export interface ContactLinks {
  openDeals: number;
  closedDeals: number;
}

/**
 * A contact any deal refers to (open or closed) is not deleted: the 409 says exactly how many.
 * An admin may ask to detach them (`detach`): the links are cleared first, each a recorded change.
 */
export function deleteContact(
  current: Contact,
  linked: ContactLinks,
  options: { detach: boolean },
  ctx: CommandContext,
): DomainEvent[] {
  if (options.detach && !hasRole(ctx.actor, 'admin'))
    throw new Forbidden('only admins delete a contact with detach=true');
  const deals = linked.openDeals + linked.closedDeals;
  if (deals > 0 && !options.detach) {
    throw new Conflict(
      `contact ${current.id} is the primary contact of ${linked.openDeals} open and ${linked.closedDeals} closed deal(s); reassign them first, or (admins) delete with ?detach=true to clear those links`,
      { ...linked },
    );
  }
  return [
    emit(ctx, 'ContactDeleted', { contactId: current.id, ...(deals > 0 ? { detached: { deals } } : {}) }),
  ];
}

/** The company link of a contact, cleared because the company is being deleted (detach=true). */
export function detachContactFromCompany(
  current: Contact,
  ctx: CommandContext,
): { contact: Contact; events: DomainEvent[] } {
  const { companyId: _, ...rest } = current;
  const contact: Contact = { ...rest, updatedAt: ctx.now, version: current.version + 1 };
  return { contact, events: [emit(ctx, 'ContactUpdated', { contact, changed: ['companyId'] })] };
}
