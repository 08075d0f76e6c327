import type { Page } from '../table/page.js';
import type { Reply, RouteRequest } from './route.js';

/** Pages a computed, sorted list: the cursor names the last item shown, signed like any other. */
export async function sortedPage<T>(
  req: Pick<RouteRequest<unknown, unknown, unknown>, 'page' | 'list'>,
  scope: string,
  sorted: T[],
  idOf: (t: T) => string,
): Promise<Reply> {
  const { limit, startKey } = await req.page(scope);
  const after = startKey?.after as string | undefined;
  const start = after ? sorted.findIndex((t) => idOf(t) === after) + 1 : 0;
  const items = sorted.slice(start, start + limit);
  const page: Page<T> = {
    items,
    ...(start + limit < sorted.length ? { lastKey: { after: idOf(items.at(-1)!) } } : {}),
  };
  return req.list(page, scope);
}
