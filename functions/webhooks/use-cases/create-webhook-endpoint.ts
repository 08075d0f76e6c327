import { emit } from '../../../domain/events.js';
import { type FieldIssue, ValidationFailed } from '../../../domain/shared/errors.js';
import {
  createEndpoint as decide,
  type NewWebhookEndpoint,
  summary,
  type WebhookEndpoint,
} from '../../../domain/webhooks/endpoint.js';
import { unknownEvents } from '../../../domain/webhooks/subscriptions.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { newSigningSecret } from '../../lib/webhooks/secret.js';
import { urlProblem } from '../../lib/webhooks/url-check.js';

/** Every way a URL and its events can be refused, in one 422. */
export async function endpointIssues(
  s: Pick<Services, 'settings'>,
  input: { url?: string | undefined; events?: string[] | undefined },
): Promise<FieldIssue[]> {
  const issues = [...unknownEvents(input.events ?? [])];
  if (input.url !== undefined) {
    const problem = await urlProblem(input.url, s.settings.webhooks);
    if (problem) issues.unshift({ path: 'url', message: problem });
  }
  return issues;
}

/** An admin adds an endpoint: its secret is made here and answered once. */
export async function createWebhookEndpoint(
  s: Pick<Services, 'webhookEndpoints' | 'store' | 'settings'>,
  body: NewWebhookEndpoint,
  { ctx }: CommandInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const issues = await endpointIssues(s, body);
  if (issues.length > 0) throw new ValidationFailed(issues);
  const existing = await s.webhookEndpoints.list();
  const endpoint = decide(body, existing.length, ctx);
  const secret = newSigningSecret();
  await s.webhookEndpoints
    .create(new UnitOfWork(), endpoint, secret)
    .events([emit(ctx, 'WebhookEndpointCreated', { endpoint: summary(endpoint) })])
    .commit(s.store);
  return { endpoint, secret };
}
