import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Conflict, Forbidden } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import type { Company, CompanyPatch, NewCompany } from './company.js';

export function createCompany(
  input: NewCompany,
  ctx: CommandContext,
): { company: Company; events: DomainEvent[] } {
  const company: Company = {
    id: ctx.newId('company'),
    ...input,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  return { company, events: [emit(ctx, 'CompanyCreated', { company })] };
}

export function updateCompany(
  current: Company,
  patch: CompanyPatch,
  ctx: CommandContext,
): { company: Company; events: DomainEvent[] } {
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { company: current, events: [] };
  const company = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  return { company, events: [emit(ctx, 'CompanyUpdated', { company, changed })] };
}

/** What refers to a company: its contacts, its deals and the projects delivered to it. */
export interface CompanyLinks {
  contacts: number;
  openDeals: number;
  closedDeals: number;
  projects: number;
}

/**
 * A company anything refers to is not deleted: the 409 says exactly what, and how many. An admin
 * may detach its contacts and deals (`detach`); projects keep their customer, so a company with
 * projects is never deleted.
 */
export function deleteCompany(
  current: Company,
  linked: CompanyLinks,
  options: { detach: boolean },
  ctx: CommandContext,
): DomainEvent[] {
  if (options.detach && !hasRole(ctx.actor, 'admin'))
    throw new Forbidden('only admins delete a company with detach=true');
  const what = `${linked.contacts} contact(s), ${linked.openDeals} open and ${linked.closedDeals} closed deal(s) and ${linked.projects} project(s)`;
  if (linked.projects > 0) {
    throw new Conflict(
      `company ${current.id} is the customer of ${linked.projects} project(s), which keep it; it still has ${what}`,
      { ...linked },
    );
  }
  const detached = { contacts: linked.contacts, deals: linked.openDeals + linked.closedDeals };
  if (detached.contacts + detached.deals > 0 && !options.detach) {
    throw new Conflict(
      `company ${current.id} still has ${what}; move or delete them first, or (admins) delete with ?detach=true to clear those links`,
      { ...linked },
    );
  }
  return [
    emit(ctx, 'CompanyDeleted', {
      companyId: current.id,
      ...(detached.contacts + detached.deals > 0 ? { detached } : {}),
    }),
  ];
}
