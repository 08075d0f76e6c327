import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
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

export function deleteCompany(
  current: Company,
  linked: { contacts: number; openDeals: number },
  ctx: CommandContext,
): DomainEvent[] {
  if (linked.contacts > 0 || linked.openDeals > 0) {
    throw new Conflict(
      `company ${current.id} still has ${linked.contacts} contact(s) and ${linked.openDeals} open deal(s); move or delete them first`,
      linked,
    );
  }
  return [emit(ctx, 'CompanyDeleted', { companyId: current.id })];
}
