import { copyPatterns } from './copies.js';
import type { IndexName } from './definition.js';
import { activityPatterns } from './entities/activity.js';
import { attachmentPatterns } from './entities/attachment.js';
import { companyPatterns } from './entities/company.js';
import { companyCalendarPatterns } from './entities/company-calendar.js';
import { contactPatterns } from './entities/contact.js';
import { cursorKeyPatterns } from './entities/cursor-key.js';
import { customFieldPatterns } from './entities/custom-fields.js';
import { dealPatterns } from './entities/deal.js';
import { dealReasonPatterns } from './entities/deal-reasons.js';
import { deliveryNewsPatterns } from './entities/delivery-news.js';
import { digestPatterns } from './entities/digest.js';
import { dueListPatterns } from './entities/due-list.js';
import { duplicatePatterns } from './entities/duplicates.js';
import { emailPatterns } from './entities/email.js';
import { emailReviewPatterns } from './entities/email-review.js';
import { followUpPatterns } from './entities/follow-ups.js';
import { idempotencyPatterns } from './entities/idempotency.js';
import { leadRoutingPatterns } from './entities/lead-routing.js';
import { lineItemPatterns } from './entities/line-items.js';
import { outboxPatterns } from './entities/outbox.js';
import { pipelinePatterns } from './entities/pipeline.js';
import { portalPatterns } from './entities/portal.js';
import { productPatterns } from './entities/product.js';
import { productTotalPatterns } from './entities/product-totals.js';
import { profilePatterns } from './entities/profile.js';
import { projectPatterns } from './entities/project.js';
import { quotePatterns } from './entities/quote.js';
import { reportTotalPatterns } from './entities/report-totals.js';
import { segmentPatterns } from './entities/segment.js';
import { templatePatterns } from './entities/template.js';
import { transferJobPatterns } from './entities/transfer-jobs.js';
import { webhookDeliveryPatterns } from './entities/webhook-delivery.js';
import { webhookEndpointPatterns } from './entities/webhook-endpoint.js';
import { webhookReplayPatterns } from './entities/webhook-replay.js';
import { type AccessPattern, actionsOf, type TableAction, type TableFunction } from './pattern.js';

// Every access pattern of every entity, in one list: what docs/data-model.md's table is
// rendered from (scripts/data-model-doc.ts) and what the stack grants each function from
// (infra/constructs/data.ts). No function imports it: each imports only its entities' modules.

/** Each entity's patterns, in the order the document lists them. */
export const ENTITY_PATTERNS: Record<string, Record<string, AccessPattern>> = {
  company: companyPatterns,
  contact: contactPatterns,
  copies: copyPatterns,
  duplicates: duplicatePatterns,
  pipeline: pipelinePatterns,
  deal: dealPatterns,
  product: productPatterns,
  'line-items': lineItemPatterns,
  quote: quotePatterns,
  'lead-routing': leadRoutingPatterns,
  'deal-reasons': dealReasonPatterns,
  'report-totals': reportTotalPatterns,
  'product-totals': productTotalPatterns,
  activity: activityPatterns,
  'follow-ups': followUpPatterns,
  'due-list': dueListPatterns,
  digest: digestPatterns,
  profile: profilePatterns,
  template: templatePatterns,
  project: projectPatterns,
  portal: portalPatterns,
  'delivery-news': deliveryNewsPatterns,
  'company-calendar': companyCalendarPatterns,
  attachment: attachmentPatterns,
  email: emailPatterns,
  'email-review': emailReviewPatterns,
  segment: segmentPatterns,
  'transfer-jobs': transferJobPatterns,
  'custom-fields': customFieldPatterns,
  'cursor-key': cursorKeyPatterns,
  'webhook-endpoint': webhookEndpointPatterns,
  'webhook-delivery': webhookDeliveryPatterns,
  'webhook-replay': webhookReplayPatterns,
  outbox: outboxPatterns,
  idempotency: idempotencyPatterns,
};

/** Every pattern by its name (names are unique across entities: a test says so). */
export const catalog: Record<string, AccessPattern> = Object.assign({}, ...Object.values(ENTITY_PATTERNS));

/**
 * What a function's role may do on the table: exactly what its patterns use. A Query of an
 * index needs the index's ARN only, so the table itself is queried only by a pattern that reads
 * the table.
 */
export interface TableGrant {
  /** On the table itself. */
  actions: TableAction[];
  /** The indexes it queries (Query on `<table>/index/<name>`). */
  indexes: IndexName[];
}

export function grantOf(fn: TableFunction): TableGrant {
  const actions = new Set<TableAction>();
  const indexes = new Set<IndexName>();
  for (const pattern of Object.values(catalog)) {
    if (!pattern.functions.includes(fn)) continue;
    if (pattern.kind === 'query' && pattern.index !== 'table') indexes.add(pattern.index);
    else for (const action of actionsOf(pattern)) actions.add(action);
  }
  return { actions: [...actions].sort(), indexes: [...indexes].sort() };
}
