import { NewProduct, Product, ProductPatch } from '../../../domain/crm/product.js';
import * as z from '../../../domain/shared/zod.js';
import { canAdminister, canRead } from '../../lib/http/access.js';
import { idParams, listQuery, listScope } from '../../lib/http/params.js';
import { created, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { createProduct, retireProduct, updateProduct } from '../use-cases/keep-catalog.js';

// The product catalog: everyone reads it (a deal's lines are picked from it), admins keep it.
// docs/api.md, "Products, line items and quotes".

const params = idParams('product');

export function productRoutes(s: Pick<Services, 'products' | 'store'>): Routes {
  return {
    'POST /products': route({
      tag: 'Products',
      summary: 'Add a product to the catalog (admins): its name, unit, list price and tax',
      roles: canAdminister,
      body: NewProduct,
      response: { status: 201, schema: Product },
      handle: async ({ body, ...input }) => {
        const product = await createProduct(s, body, input);
        return created(product, product.version);
      },
    }),
    'GET /products': route({
      tag: 'Products',
      summary:
        'The catalog by name, offered products first; `active` narrows it, `q` finds names by their start',
      description:
        '`q` is a prefix of the name (accent- and case-folded); without `active`, it searches the offered products.',
      roles: canRead,
      query: listQuery({
        active: z.enum(['true', 'false']).optional(),
        q: z.string().min(1).max(200).optional(),
      }),
      response: { status: 200, schema: Product, list: true },
      handle: async (req) => {
        const { active, q } = req.query;
        const filter = { active: active === undefined ? undefined : active === 'true', q };
        const scope = listScope({ active, q });
        return req.list(await s.products.list(filter, await req.page(scope)), scope);
      },
    }),
    'GET /products/{id}': route({
      tag: 'Products',
      summary: 'A product of the catalog',
      roles: canRead,
      params,
      response: { status: 200, schema: Product },
      handle: async ({ params }) => {
        const product = await s.products.require(params.id);
        return ok(product, product.version);
      },
    }),
    'PATCH /products/{id}': route({
      tag: 'Products',
      summary: 'Change a product (admins); the lines and quotes that name it keep what they were priced at',
      roles: canAdminister,
      params,
      body: ProductPatch,
      conditional: true,
      response: { status: 200, schema: Product },
      handle: async ({ params, body, ...input }) => {
        const product = await updateProduct(s, params.id, body, input);
        return ok(product, product.version);
      },
    }),
    'POST /products/{id}/retire': route({
      tag: 'Products',
      summary:
        'Retire a product (admins): kept for the lines and quotes that name it, offered for no new line',
      roles: canAdminister,
      params,
      conditional: true,
      problems: { 409: 'the product is retired already' },
      response: { status: 200, schema: Product },
      handle: async ({ params, ...input }) => {
        const product = await retireProduct(s, params.id, input);
        return ok(product, product.version);
      },
    }),
  };
}
