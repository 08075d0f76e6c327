import type { DomainEvent } from '../../../../domain/events.js';
import { toMillis } from '../../../../domain/shared/time.js';
import type { Item, Key } from '../item.js';
import { patterns, write } from '../pattern.js';

// The transactional outbox (docs/architecture.md, decision 2): a command writes its events as
// items in its own transaction; the table's stream carries each new one to the relay, which
// publishes it. The relay's stream filter (infra/constructs/outbox-relay.ts) reads the prefix here.

/** How long an outbox item stays after the stream has carried it (the relay reads it at once). */
const OUTBOX_RETENTION_SECONDS = 24 * 3600;

export const OUTBOX_PREFIX = 'OUTBOX#';

export const outboxKey = (eventId: string): Key => ({ pk: `${OUTBOX_PREFIX}${eventId}`, sk: 'OUTBOX' });

export function outboxItem(event: DomainEvent): Item {
  return {
    ...outboxKey(event.detail.id),
    entity: 'outbox',
    source: event.source,
    detailType: event.detailType,
    detail: JSON.stringify(event.detail),
    expiresAt: Math.floor(toMillis(event.detail.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

export const outboxPatterns = patterns({
  outboxEvent: write({
    entity: 'outbox event',
    pattern: "a command's events, written with its change",
    usedBy: 'every command that emits an event',
    functions: [
      'CrmApi',
      'WorkspaceApi',
      'TransferApi',
      'DeliveryApi',
      'PortalApi',
      'CsvImport',
      'CsvExport',
      'CreateProjectOnWin',
      'RescheduleCascade',
      'HandoffGapMonitor',
      'OverdueSweep',
      'DailyDigest',
      'EmailCapture',
      'WebhookSender',
    ],
    keyCondition: "Put `OUTBOX#<eventId>` / `OUTBOX` if absent, in the command's transaction",
    roundTrips: 'none of its own',
    actions: ['PutItem'],
  }),
});
