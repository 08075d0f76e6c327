import { type IdKind, idSchema } from '../../../domain/shared/ids.js';
import * as z from '../../../domain/shared/zod.js';

// Path and query schemas every API shares. Query parameters are strict like bodies: an
// unknown parameter is refused rather than silently ignored.

export const Limit = z.coerce.number().int().min(1).max(100).default(25);
export const Cursor = z.string().min(1).max(4096);

export function listQuery<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(() => ({ limit: Limit, cursor: Cursor.optional(), ...shape }));
}

/** `DELETE` of a contact or company: `detach=true` (admins) clears the links to it first. */
export const DetachQuery = z.strictObject(() => ({
  detach: z
    .enum(['true', 'false'])
    .optional()
    .describe('admins: clear the links of the deals (and contacts) that refer to it, then delete it'),
}));

const pathOfId = (kind: IdKind) => z.strictObject(() => ({ id: idSchema(kind) }));
const idParamsByKind = new Map<IdKind, ReturnType<typeof pathOfId>>();

/** `{id}` in a path, one schema per kind shared by every route of it. */
export function idParams(kind: IdKind) {
  let schema = idParamsByKind.get(kind);
  if (!schema) {
    schema = pathOfId(kind);
    idParamsByKind.set(kind, schema);
  }
  return schema;
}

export const pageOf = <S extends z.ZodType>(item: S) =>
  z.object(() => ({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as `cursor` to read the next page; null on the last page'),
  }));

/** Binds a cursor to the filters of the list that issued it: another filter starts over. */
export function listScope(filter: Record<string, unknown>): string {
  const { limit: _l, cursor: _c, ...rest } = filter;
  return JSON.stringify(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .sort(),
  );
}
