import { createHandoffClient, type HandoffClient, type Schemas } from '../../../clients/typescript/index.js';

// The console reaches the API only through the typed client generated from the OpenAPI
// document (clients/typescript): a console that works proves the API is enough for a client.

export type { HandoffClient, Schemas };
export type Problem = Schemas['Problem'];

/** A refusal: the RFC 9457 problem the API answered, or API Gateway's own message. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> & { message?: string },
  ) {
    super(problem.detail ?? problem.title ?? problem.message ?? `the API answered ${status}`);
    this.name = 'ApiProblem';
  }

  /** The errors of one field (and of the fields inside it), by the problem's dotted paths. */
  fieldErrors(path: string): string[] {
    return (this.problem.errors ?? [])
      .filter((e) => e.path === path || e.path.startsWith(`${path}.`) || path.startsWith(`${e.path}.`))
      .map((e) => e.message);
  }
}

/**
 * No answer came: the network is down, the API is stopped, or the browser refused the call.
 * Usually nothing was saved; but a request can reach the API and only its answer be lost, so
 * the console reads the record again before offering to retry, and every create carries an
 * Idempotency-Key so a retried create is made once.
 */
export class ApiUnreachable extends Error {
  constructor(cause: unknown) {
    super('Handoff could not be reached', { cause });
    this.name = 'ApiUnreachable';
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiProblem. */
export async function answer<T>(call: Promise<Answer<T>>): Promise<T> {
  let answered: Answer<T>;
  try {
    answered = await call;
  } catch (error) {
    // fetch rejects only when no HTTP answer arrived (a TypeError in every browser)
    throw new ApiUnreachable(error);
  }
  const { data, error, response } = answered;
  if (response.ok) return data as T;
  throw new ApiProblem(response.status, (error ?? {}) as Problem);
}

export function apiClient(baseUrl: string, token: () => string): HandoffClient {
  return createHandoffClient({ baseUrl, token });
}

/** The If-Match header for a record read at `version`. */
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });

/** Every page of a paged list (the board reads all open deals of a pipeline). */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
