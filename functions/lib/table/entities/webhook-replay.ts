import { WebhookReplay } from '../../../../domain/webhooks/replay.js';
import { entityOf, type Item, type Key } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';

// Replays of a window of events to one endpoint, in the endpoint's partition beside its
// deliveries. EventBridge's replay is named after the record (`<endpointId>.<replayId>`), so each
// replayed event leads the sender back here with one GetItem.

export const replayKey = (endpointId: string, replayId: string): Key => ({
  pk: `WEBHOOK#${endpointId}`,
  sk: `REPLAY#${replayId}`,
});

function replayItem(r: WebhookReplay): Item {
  return { ...replayKey(r.endpointId, r.id), entity: 'webhook-replay', ...r };
}

const asReplay = entityOf<WebhookReplay>(WebhookReplay);

export const webhookReplayPatterns = patterns({
  endpointReplays: query({
    entity: 'webhook replay',
    pattern: "an endpoint's replays, newest first",
    usedBy: '`GET /webhook-endpoints/{id}/replays`',
    functions: ['WorkspaceApi'],
    index: 'table',
    keyCondition: '`pk = WEBHOOK#<endpointId> AND begins_with(sk, REPLAY#)`, descending',
    roundTrips: '1 Query',
    query: (endpointId: string) => ({ partition: `WEBHOOK#${endpointId}`, sort: { beginsWith: 'REPLAY#' } }),
  }),
  webhookReplay: get({
    entity: 'webhook replay',
    pattern: 'a replay, by the name EventBridge replays its events under',
    usedBy: 'the sender: WebhookReplayRequested, and each replayed event',
    functions: ['WebhookSender'],
    keyCondition: '`pk = WEBHOOK#<endpointId>, sk = REPLAY#<replayId>`',
    roundTrips: '1 GetItem per replayed event',
    key: replayKey,
  }),
  replayWritten: write({
    entity: 'webhook replay',
    pattern: 'a replay asked for (with WebhookReplayRequested), then started or failed',
    usedBy: '`POST /webhook-endpoints/{id}/replay`; the sender',
    functions: ['WorkspaceApi', 'WebhookSender'],
    keyCondition: 'Put `WEBHOOK#<endpointId>` / `REPLAY#<replayId>` if absent; UpdateItem its status',
    roundTrips: "none of its own (the command's transaction); 1 UpdateItem when started",
    actions: ['PutItem', 'UpdateItem'],
  }),
});

export class WebhookReplayRepository {
  constructor(private readonly store: Store) {}

  list(endpointId: string, page: PageRequest): Promise<Page<WebhookReplay>> {
    return pageOf(
      this.store,
      { ...webhookReplayPatterns.endpointReplays.query(endpointId), newestFirst: true, ...page },
      asReplay,
    );
  }

  async find(endpointId: string, replayId: string): Promise<WebhookReplay | undefined> {
    const item = await this.store.get(webhookReplayPatterns.webhookReplay, endpointId, replayId);
    return item ? asReplay(item) : undefined;
  }

  create(uow: UnitOfWork, replay: WebhookReplay): UnitOfWork {
    return uow.create(webhookReplayPatterns.replayWritten, replayItem(replay));
  }

  /** EventBridge took the replay (or refused it, with why). */
  async started(replay: WebhookReplay, outcome: { at: string } | { error: string }): Promise<void> {
    await this.store.updateIf(
      webhookReplayPatterns.replayWritten,
      {
        key: replayKey(replay.endpointId, replay.id),
        expression:
          'at' in outcome
            ? 'SET #status = :status, startedAt = :at'
            : 'SET #status = :status, #error = :error',
        names: { '#status': 'status', ...('at' in outcome ? {} : { '#error': 'error' }) },
        values:
          'at' in outcome
            ? { ':status': 'started', ':at': outcome.at }
            : { ':status': 'failed', ':error': outcome.error },
      },
      { expression: 'attribute_exists(pk)' },
    );
  }
}
