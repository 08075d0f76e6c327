import {
  createProduct as decideCreate,
  retireProduct as decideRetire,
  updateProduct as decideUpdate,
} from '../../../domain/crm/product.commands.js';
import type { NewProduct, Product, ProductPatch } from '../../../domain/crm/product.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

// The product catalog's commands (admins): add, change, retire.

export async function createProduct(
  s: Pick<Services, 'products' | 'store'>,
  body: NewProduct,
  { ctx }: CommandInput,
): Promise<Product> {
  const { product, events } = decideCreate(body, ctx);
  await s.products.create(new UnitOfWork(), product).events(events).commit(s.store);
  return product;
}

function changeProduct(
  s: Pick<Services, 'products' | 'store'>,
  id: string,
  { ifMatch }: CommandInput,
  decide: (current: Product) => ReturnType<typeof decideUpdate>,
): Promise<Product> {
  return versionedCommand({
    ifMatch,
    entity: 'product',
    load: () => s.products.require(id),
    run: async (current) => {
      const { product, events } = decide(current);
      if (events.length === 0) return current;
      await s.products.update(new UnitOfWork(), current, product).events(events).commit(s.store);
      return product;
    },
  });
}

export function updateProduct(
  s: Pick<Services, 'products' | 'store'>,
  id: string,
  patch: ProductPatch,
  input: CommandInput,
): Promise<Product> {
  return changeProduct(s, id, input, (current) => decideUpdate(current, patch, input.ctx));
}

export function retireProduct(
  s: Pick<Services, 'products' | 'store'>,
  id: string,
  input: CommandInput,
): Promise<Product> {
  return changeProduct(s, id, input, (current) => decideRetire(current, input.ctx));
}
