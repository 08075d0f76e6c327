import { Product } from '../../../../domain/crm/product.js';
import { NotFound } from '../../../../domain/shared/errors.js';
import { normalizeText } from '../../../../domain/shared/text.js';
import { entityOf, type Item, type Key } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// The product catalog: one item per product, listed on gsi1 by whether it is offered, then by
// name, so the catalog (or only what is offered) is one Query, and a name's prefix narrows it
// in the key condition: the picker on a deal searches without a scan.

const productKey = (id: string): Key => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT' });
const CATALOG = 'PRODUCT';
/** Offered products sort before retired ones: `A#` (active), `R#` (retired). */
const standing = (active: boolean) => (active ? 'A#' : 'R#');

export function productItem(p: Product): Item {
  return {
    ...productKey(p.id),
    entity: 'product',
    gsi1pk: CATALOG,
    gsi1sk: `${standing(p.active)}${normalizeText(p.name)}#${p.id}`,
    ...p,
  };
}

export const productPatterns = patterns({
  productById: get({
    entity: 'product',
    pattern: 'a product of the catalog',
    usedBy: '`GET /products/{id}` and the commands on it',
    functions: ['CrmApi'],
    keyCondition: '`pk = PRODUCT#<id>, sk = PRODUCT`',
    roundTrips: '1 GetItem',
    key: productKey,
  }),
  productsOfLines: batchGet({
    entity: 'product',
    pattern: 'the products a set of line items names (at most 100)',
    usedBy: '`PUT /deals/{id}/line-items`',
    functions: ['CrmApi'],
    keyCondition: 'BatchGet `PRODUCT#<id>` of each product named',
    roundTrips: '1 BatchGet, in parallel with the deal and its lines (`dealWithLines`)',
    keys: (ids: string[]) => ids.map(productKey),
  }),
  catalogByName: query({
    entity: 'product',
    pattern:
      'the catalog by name (offered first), or the offered (or retired) products whose name starts with a prefix',
    usedBy: '`GET /products?active=&q=`',
    functions: ['CrmApi'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = PRODUCT AND begins_with(gsi1sk, <A|R>#<normalised q>)`',
    roundTrips: '1 Query',
    query: (active?: boolean, prefix = '') => ({
      index: 'gsi1',
      partition: CATALOG,
      sort: { beginsWith: active === undefined ? '' : `${standing(active)}${prefix}` },
    }),
  }),
  productWritten: write({
    entity: 'product',
    pattern: 'a product: added, changed or retired at its version',
    usedBy: '`POST /products`, `PATCH /products/{id}`, `POST /products/{id}/retire`',
    functions: ['CrmApi'],
    keyCondition: 'Put `PRODUCT#<id>` / `PRODUCT` (if absent, or at the version read)',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
});

const asProduct = entityOf<Product>(Product);

export class ProductRepository {
  constructor(private readonly store: Store) {}

  async require(id: string): Promise<Product> {
    const item = await this.store.get(productPatterns.productById, id);
    if (!item) throw new NotFound('product', id);
    return asProduct(item);
  }

  /** The catalog, offered first, by name; `active` and a name prefix `q` narrow it in the key. */
  list(
    filter: { active?: boolean | undefined; q?: string | undefined },
    page: PageRequest,
  ): Promise<Page<Product>> {
    const prefix = filter.q ? normalizeText(filter.q) : '';
    // a prefix needs a standing to follow in the key: without `active`, a search is of what is offered
    const active = filter.active ?? (prefix ? true : undefined);
    return pageOf(this.store, { ...productPatterns.catalogByName.query(active, prefix), ...page }, asProduct);
  }

  /** The products named, by id (those that exist). */
  async several(ids: string[]): Promise<Map<string, Product>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const items = await this.store.batchGet(productPatterns.productsOfLines, unique);
    return new Map(items.flatMap((i) => (i ? [[String(i.id), asProduct(i)] as const] : [])));
  }

  create(uow: UnitOfWork, product: Product): UnitOfWork {
    return uow.create(productPatterns.productWritten, productItem(product));
  }

  update(uow: UnitOfWork, before: Product, after: Product): UnitOfWork {
    return uow.update(productPatterns.productWritten, before, productItem(after));
  }
}
