import { NotFound } from '../../../../domain/shared/errors.js';
import { WebhookEndpoint } from '../../../../domain/webhooks/endpoint.js';
import { entityOf, type Item, type Key, notExists } from '../item.js';
import { batchGet, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// Webhook endpoints, their health and their signing secrets (docs/data-model.md, "Webhooks").
// The endpoints of a workspace are few (at most 20) and read together (every event is matched
// against all of them), so they share one partition: one Query reads them all, with each one's
// health (since when it has been failing), which only the sender writes, so an admin's edit at
// the endpoint's version never races it. The secrets are items of their own partition, written by
// the API and read by the sender alone: no other function's patterns read them, and no answer
// carries one but the one that made it.

const ENDPOINTS = 'WEBHOOK-ENDPOINTS';
const SECRETS = 'WEBHOOK-SECRETS';

export const endpointKey = (id: string): Key => ({ pk: ENDPOINTS, sk: `ENDPOINT#${id}` });
export const healthKey = (id: string): Key => ({ pk: ENDPOINTS, sk: `HEALTH#${id}` });
export const secretKey = (id: string): Key => ({ pk: SECRETS, sk: id });

/** A signing secret as kept: the current one, and the one a rotation retired, until it expires. */
export interface SigningSecrets {
  current: string;
  previous?: string;
  previousExpiresAt?: string;
}

function endpointItem(endpoint: WebhookEndpoint): Item {
  // failingSince is the health item's, not the endpoint's: it is read beside it, never written here
  const { failingSince: _health, ...stored } = endpoint;
  return { ...endpointKey(endpoint.id), entity: 'webhook-endpoint', ...stored };
}

const asEndpoint = entityOf<WebhookEndpoint>(WebhookEndpoint);

export const webhookEndpointPatterns = patterns({
  webhookEndpoints: query({
    entity: 'webhook endpoint',
    pattern: 'every webhook endpoint, with its health (since when it has been failing)',
    usedBy:
      '`GET /webhook-endpoints`, `POST /webhook-endpoints` (the limit), the webhook sender (each batch of events), `GET /followups` and the digest (disabled endpoints, for admins)',
    functions: ['WorkspaceApi', 'WebhookSender', 'CrmApi', 'DailyDigest'],
    index: 'table',
    keyCondition: '`pk = WEBHOOK-ENDPOINTS` (`ENDPOINT#<id>` and `HEALTH#<id>`)',
    roundTrips: '1 Query (at most 40 small items)',
    query: () => ({ partition: ENDPOINTS }),
  }),
  webhookEndpointById: batchGet({
    entity: 'webhook endpoint',
    pattern: 'a webhook endpoint and its health',
    usedBy:
      '`GET`, `PATCH`, `DELETE /webhook-endpoints/{id}` and every route under it; the sender disabling one',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition: 'BatchGet `WEBHOOK-ENDPOINTS` / `ENDPOINT#<id>` and `HEALTH#<id>`',
    roundTrips: '1 BatchGet',
    keys: (id: string) => [endpointKey(id), healthKey(id)],
  }),
  webhookEndpointWritten: write({
    entity: 'webhook endpoint',
    pattern: 'a webhook endpoint: created, changed, rotated, disabled or deleted at its version',
    usedBy: '`POST`, `PATCH`, `DELETE /webhook-endpoints…`, `POST …/rotate-secret`; the sender disabling one',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition:
      'Put `WEBHOOK-ENDPOINTS` / `ENDPOINT#<id>` if absent, or at the version read; Delete at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'DeleteItem'],
  }),
  webhookHealth: write({
    entity: 'webhook endpoint health',
    pattern:
      "an endpoint's failing clock: started by a failed attempt, stopped by a delivered one or an admin's change",
    usedBy: 'the webhook sender (on a change only), `PATCH`/`DELETE /webhook-endpoints/{id}`',
    functions: ['WebhookSender', 'WorkspaceApi'],
    keyCondition:
      'UpdateItem `WEBHOOK-ENDPOINTS` / `HEALTH#<id>`: `SET failingSince` if absent, or `REMOVE` it; Delete',
    roundTrips: '1 UpdateItem when an endpoint starts or stops failing (none otherwise)',
    actions: ['UpdateItem', 'DeleteItem'],
  }),
  webhookSecretWritten: write({
    entity: 'webhook signing secret',
    pattern:
      "an endpoint's signing secret: made, rotated (the current one kept as the previous, 24 h) or deleted",
    usedBy: '`POST /webhook-endpoints`, `POST …/rotate-secret`, `DELETE /webhook-endpoints/{id}`',
    functions: ['WorkspaceApi'],
    keyCondition:
      'Put `WEBHOOK-SECRETS` / `<id>` if absent; UpdateItem `SET previous = current, current = :new` (never read by the API); Delete',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem', 'UpdateItem', 'DeleteItem'],
  }),
  webhookSecrets: query({
    entity: 'webhook signing secret',
    pattern: 'the signing secrets of every endpoint',
    usedBy: 'the webhook sender (each batch that sends), and nothing else',
    functions: ['WebhookSender'],
    index: 'table',
    keyCondition: '`pk = WEBHOOK-SECRETS`',
    roundTrips: '1 Query, after the endpoints, and none when there is no endpoint',
    query: () => ({ partition: SECRETS }),
  }),
});

export class WebhookEndpointRepository {
  constructor(private readonly store: Store) {}

  /** Every endpoint, oldest first, each with its health. */
  async list(): Promise<WebhookEndpoint[]> {
    const items = await this.store.queryAll(webhookEndpointPatterns.webhookEndpoints.query());
    return endpointsOf(items);
  }

  async require(id: string): Promise<WebhookEndpoint> {
    const [item, health] = await this.store.batchGet(webhookEndpointPatterns.webhookEndpointById, id);
    if (!item) throw new NotFound('webhook endpoint', id);
    return asEndpoint({ ...item, failingSince: health?.failingSince ?? null });
  }

  create(uow: UnitOfWork, endpoint: WebhookEndpoint, secret: string): UnitOfWork {
    return uow.create(webhookEndpointPatterns.webhookEndpointWritten, endpointItem(endpoint)).add({
      pattern: webhookEndpointPatterns.webhookSecretWritten,
      put: { ...secretKey(endpoint.id), entity: 'webhook-secret', current: secret },
      condition: notExists,
    });
  }

  update(uow: UnitOfWork, before: WebhookEndpoint, after: WebhookEndpoint): UnitOfWork {
    uow.update(webhookEndpointPatterns.webhookEndpointWritten, before, endpointItem(after));
    if (before.failingSince !== null && after.failingSince === null)
      uow.add({ pattern: webhookEndpointPatterns.webhookHealth, delete: healthKey(before.id) });
    return uow;
  }

  /** The new secret signs from now; the current one is kept as the previous until `after` says. */
  rotate(uow: UnitOfWork, before: WebhookEndpoint, after: WebhookEndpoint, secret: string): UnitOfWork {
    return uow.update(webhookEndpointPatterns.webhookEndpointWritten, before, endpointItem(after)).add({
      pattern: webhookEndpointPatterns.webhookSecretWritten,
      update: {
        key: secretKey(before.id),
        expression: 'SET previous = #current, previousExpiresAt = :until, #current = :secret',
        names: { '#current': 'current' },
        values: { ':until': after.previousSecretExpiresAt, ':secret': secret },
      },
      condition: { expression: 'attribute_exists(pk)' },
    });
  }

  remove(uow: UnitOfWork, endpoint: WebhookEndpoint): UnitOfWork {
    return uow
      .remove(webhookEndpointPatterns.webhookEndpointWritten, endpoint, endpointKey(endpoint.id))
      .add({ pattern: webhookEndpointPatterns.webhookHealth, delete: healthKey(endpoint.id) })
      .add({ pattern: webhookEndpointPatterns.webhookSecretWritten, delete: secretKey(endpoint.id) });
  }

  /**
   * What the sender works from: every endpoint with its health, and every signing secret. The
   * secrets are read after the endpoints, and not at all when there is none: a stack without
   * webhooks (or before its first endpoint) reads one partition per batch of events, not two.
   */
  async withSecrets(): Promise<{ endpoints: WebhookEndpoint[]; secrets: Map<string, SigningSecrets> }> {
    const items = await this.store.queryAll(webhookEndpointPatterns.webhookEndpoints.query());
    const endpoints = endpointsOf(items);
    if (endpoints.length === 0) return { endpoints, secrets: new Map() };
    const secretItems = await this.store.queryAll(webhookEndpointPatterns.webhookSecrets.query());
    const secrets = new Map<string, SigningSecrets>(
      secretItems.map((s) => [
        String(s.sk),
        {
          current: String(s.current),
          ...(s.previous ? { previous: String(s.previous) } : {}),
          ...(s.previousExpiresAt ? { previousExpiresAt: String(s.previousExpiresAt) } : {}),
        },
      ]),
    );
    return { endpoints, secrets };
  }

  /** A failed attempt: the endpoint's failing clock starts, unless it runs already. */
  async failing(id: string, now: string): Promise<void> {
    await this.store.updateIf(
      webhookEndpointPatterns.webhookHealth,
      {
        key: healthKey(id),
        expression: 'SET entity = :entity, failingSince = :now',
        values: { ':entity': 'webhook-endpoint-health', ':now': now },
      },
      { expression: 'attribute_not_exists(failingSince)' },
    );
  }

  /** A delivered attempt: the endpoint is not failing. */
  async healthy(id: string): Promise<void> {
    await this.store.updateIf(
      webhookEndpointPatterns.webhookHealth,
      { key: healthKey(id), expression: 'REMOVE failingSince' },
      { expression: 'attribute_exists(failingSince)' },
    );
  }
}

function endpointsOf(items: Record<string, unknown>[]): WebhookEndpoint[] {
  const health = new Map(
    items
      .filter((i) => String(i.sk).startsWith('HEALTH#'))
      .map((i) => [String(i.sk).slice('HEALTH#'.length), (i.failingSince as string | undefined) ?? null]),
  );
  return items
    .filter((i) => String(i.sk).startsWith('ENDPOINT#'))
    .map((i) => asEndpoint({ ...i, failingSince: health.get(String(i.id)) ?? null }));
}
