import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import { assertMayKeepCatalog, type NewProduct, type Product, type ProductPatch } from './product.js';

type Decision = { product: Product; events: DomainEvent[] };

export function createProduct(input: NewProduct, ctx: CommandContext): Decision {
  assertMayKeepCatalog(ctx.actor);
  const product: Product = {
    id: ctx.newId('product'),
    ...input,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  return { product, events: [emit(ctx, 'ProductCreated', { product })] };
}

export function updateProduct(current: Product, patch: ProductPatch, ctx: CommandContext): Decision {
  assertMayKeepCatalog(ctx.actor);
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { product: current, events: [] };
  const product: Product = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  return { product, events: [emit(ctx, 'ProductUpdated', { product, changed })] };
}

/** Retiring keeps the product (line items and quotes name it) and offers it for no new line. */
export function retireProduct(current: Product, ctx: CommandContext): Decision {
  assertMayKeepCatalog(ctx.actor);
  if (!current.active) throw new Conflict(`product ${current.id} is retired already`);
  return updateProduct(current, { active: false }, ctx);
}
