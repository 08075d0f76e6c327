import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
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

export function deleteContact(
  current: Contact,
  linked: { openDeals: number },
  ctx: CommandContext,
): DomainEvent[] {
  if (linked.openDeals > 0) {
    throw new Conflict(
      `contact ${current.id} is the primary contact of ${linked.openDeals} open deal(s); reassign them first`,
      linked,
    );
  }
  return [emit(ctx, 'ContactDeleted', { contactId: current.id })];
}
