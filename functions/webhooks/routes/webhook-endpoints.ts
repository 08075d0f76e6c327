import { Ulid } from '../../../domain/shared/event.js';
import * as z from '../../../domain/shared/zod.js';
import { DeliveryStatus, WebhookDelivery } from '../../../domain/webhooks/delivery.js';
import {
  NewWebhookEndpoint,
  WebhookEndpoint,
  WebhookEndpointId,
  WebhookEndpointPatch,
  WebhookEndpointWithSecret,
} from '../../../domain/webhooks/endpoint.js';
import { NewWebhookReplay, WebhookReplay } from '../../../domain/webhooks/replay.js';
import { canAdminister } from '../../lib/http/access.js';
import { listQuery } from '../../lib/http/params.js';
import { created, noContent, ok, type Routes, route } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { changeWebhookEndpoint } from '../use-cases/change-webhook-endpoint.js';
import { createWebhookEndpoint } from '../use-cases/create-webhook-endpoint.js';
import { deleteWebhookEndpoint } from '../use-cases/delete-webhook-endpoint.js';
import { replayToWebhookEndpoint } from '../use-cases/replay-to-webhook-endpoint.js';
import { resendWebhookDelivery } from '../use-cases/resend-webhook-delivery.js';
import { rotateWebhookSecret } from '../use-cases/rotate-webhook-secret.js';
import { testWebhookEndpoint } from '../use-cases/test-webhook-endpoint.js';

// Webhook endpoints (docs/api.md, "Webhooks"), for admins: where events are POSTed, signed by the
// Standard Webhooks specification; the log of every delivery and attempt; resending one delivery,
// replaying a window. An endpoint is versioned: its version is the ETag, If-Match is honoured.

const TAG = 'Webhooks';
const params = z.strictObject(() => ({ id: WebhookEndpointId }));
const deliveryParams = z.strictObject(() => ({
  id: WebhookEndpointId,
  deliveryId: Ulid.describe('the event id (the webhook-id header)'),
}));

const WEBHOOK_URL_PROBLEM =
  '`url` is malformed, not https://, or its host resolves to a loopback, private, link-local or other reserved address; `events` names unknown event types (each named)';

export function webhookRoutes(
  s: Pick<Services, 'settings' | 'store' | 'webhookDeliveries' | 'webhookEndpoints' | 'webhookReplays'>,
): Routes {
  return {
    'POST /webhook-endpoints': route({
      tag: TAG,
      summary: 'Add a webhook endpoint: answers its signing secret, once (admins)',
      description:
        'Events whose detail-type is in `events` (or every one, `["*"]`) are POSTed to `url` as they happen, signed by the Standard Webhooks specification with the secret answered here (`whsec_…`), which no other answer shows again (a repeat of this request with its Idempotency-Key within 24 hours answers the same). At most 20 endpoints (409).',
      roles: canAdminister,
      body: NewWebhookEndpoint,
      problems: { 422: WEBHOOK_URL_PROBLEM },
      response: { status: 201, schema: WebhookEndpointWithSecret },
      handle: async ({ body, ctx }) => {
        const { endpoint, secret } = await createWebhookEndpoint(s, body, { ctx });
        return created({ ...endpoint, secret }, endpoint.version);
      },
    }),
    'GET /webhook-endpoints': route({
      tag: TAG,
      summary: 'The webhook endpoints, oldest first (admins)',
      roles: canAdminister,
      query: listQuery({}),
      response: { status: 200, schema: WebhookEndpoint, list: true },
      // at most 20: one page
      handle: async (req) => req.list({ items: await s.webhookEndpoints.list() }),
    }),
    'GET /webhook-endpoints/{id}': route({
      tag: TAG,
      summary: 'Read a webhook endpoint (never its secret) (admins)',
      roles: canAdminister,
      params,
      response: { status: 200, schema: WebhookEndpoint },
      handle: async ({ params }) => {
        const endpoint = await s.webhookEndpoints.require(params.id);
        return ok(endpoint, endpoint.version);
      },
    }),
    'PATCH /webhook-endpoints/{id}': route({
      tag: TAG,
      summary: "Change an endpoint's URL, events or description; disable or enable it (admins)",
      description:
        'A disabled endpoint is sent nothing (its pending deliveries are given up as they come due); enabled again, it receives new events, and `POST …/replay` sends what it missed.',
      roles: canAdminister,
      params,
      body: WebhookEndpointPatch,
      conditional: true,
      problems: { 422: WEBHOOK_URL_PROBLEM },
      response: { status: 200, schema: WebhookEndpoint },
      handle: async ({ params, body, ...input }) => {
        const endpoint = await changeWebhookEndpoint(s, params.id, body, input);
        return ok(endpoint, endpoint.version);
      },
    }),
    'DELETE /webhook-endpoints/{id}': route({
      tag: TAG,
      summary: 'Delete a webhook endpoint: nothing more is sent to it (admins)',
      roles: canAdminister,
      params,
      conditional: true,
      response: { status: 204 },
      handle: async ({ params, ...input }) => {
        await deleteWebhookEndpoint(s, params.id, input);
        return noContent();
      },
    }),
    'POST /webhook-endpoints/{id}/rotate-secret': route({
      tag: TAG,
      summary: 'A new signing secret, answered once; the previous one signs beside it for 24 hours (admins)',
      description:
        'Until `previousSecretExpiresAt`, each delivery carries two signatures (`webhook-signature: v1,<new> v1,<previous>`), so a receiver verifies with either while it switches. Rotating again within 24 hours retires the older one at once.',
      roles: canAdminister,
      params,
      conditional: true,
      response: { status: 200, schema: WebhookEndpointWithSecret },
      handle: async ({ params, ...input }) => {
        const { endpoint, secret } = await rotateWebhookSecret(s, params.id, input);
        return ok({ ...endpoint, secret }, endpoint.version);
      },
    }),
    'POST /webhook-endpoints/{id}/test': route({
      tag: TAG,
      summary: 'Send the endpoint a WebhookTest event (admins)',
      description:
        "It travels as every event does (the outbox, the bus, the sender), to this endpoint only, even when disabled; its delivery (`deliveryId`) is in the endpoint's log within seconds.",
      roles: canAdminister,
      params,
      response: {
        status: 202,
        schema: z.object(() => ({
          deliveryId: Ulid.describe('the WebhookTest event id: its delivery id and webhook-id'),
        })),
      },
      handle: async ({ params, ctx }) => ({
        status: 202,
        body: await testWebhookEndpoint(s, params.id, { ctx }),
      }),
    }),
    'GET /webhook-endpoints/{id}/deliveries': route({
      tag: TAG,
      summary: "The endpoint's deliveries, newest event first, each with its attempts (admins)",
      description:
        'Each attempt has its time, the HTTP status answered (null when none was), the latency, the first 1 KB of the answer and the error. Deliveries are kept 30 days after their last attempt.',
      roles: canAdminister,
      params,
      query: listQuery({ status: DeliveryStatus.optional() }),
      response: { status: 200, schema: WebhookDelivery, list: true },
      handle: async (req) => {
        await s.webhookEndpoints.require(req.params.id);
        const scope = req.query.status ?? '';
        const page = await s.webhookDeliveries.list(req.params.id, req.query.status, await req.page(scope));
        return req.list(page, scope);
      },
    }),
    'GET /webhook-endpoints/{id}/deliveries/{deliveryId}': route({
      tag: TAG,
      summary: 'A delivery, its attempts and the body it is sent with (admins)',
      roles: canAdminister,
      params: deliveryParams,
      response: {
        status: 200,
        schema: z
          .extend(WebhookDelivery, () => ({
            payload: z
              .string()
              .nullable()
              .describe('the request body every attempt sends (null: it expired)'),
          }))
          .register(z.globalRegistry, { id: 'WebhookDeliveryWithPayload' }),
      },
      handle: async ({ params }) => {
        await s.webhookEndpoints.require(params.id);
        const [delivery, body] = await Promise.all([
          s.webhookDeliveries.require(params.id, params.deliveryId),
          s.webhookDeliveries.body(params.deliveryId),
        ]);
        return ok({ ...delivery, payload: body?.body ?? null });
      },
    }),
    'POST /webhook-endpoints/{id}/deliveries/{deliveryId}/resend': route({
      tag: TAG,
      summary: 'Send a delivery again: same webhook-id, same body, a new round of attempts (admins)',
      description:
        'A delivery still pending is being sent already (409). The new round is retried like the first; to a disabled endpoint it is tried once.',
      roles: canAdminister,
      params: deliveryParams,
      response: { status: 202, schema: WebhookDelivery },
      handle: async ({ params, ctx }) => ({
        status: 202,
        body: await resendWebhookDelivery(s, params.id, params.deliveryId, { ctx }),
      }),
    }),
    'POST /webhook-endpoints/{id}/replay': route({
      tag: TAG,
      summary: 'Send again what the endpoint would have received in a window, from the archive (admins)',
      description:
        'Every archived event of the window (`from` inclusive, `to` exclusive) that the endpoint receives (or of `events`) is delivered again with its own id as webhook-id and its body: already delivered, missed while the endpoint was disabled, or from before it existed. EventBridge replays the archive a minute of events at a time; events reach the archive a few minutes after they happen, so a window ending just now may miss its last events (replay it again later). The endpoint must be enabled (409).',
      roles: canAdminister,
      params,
      body: NewWebhookReplay,
      problems: {
        422: '`from`/`to` do not make a past window the archive keeps, or `events` names unknown types',
      },
      response: { status: 202, schema: WebhookReplay },
      handle: async ({ params, body, ctx }) => ({
        status: 202,
        body: await replayToWebhookEndpoint(s, params.id, body, { ctx }),
      }),
    }),
    'GET /webhook-endpoints/{id}/replays': route({
      tag: TAG,
      summary: "The endpoint's replays, newest first (admins)",
      roles: canAdminister,
      params,
      query: listQuery({}),
      response: { status: 200, schema: WebhookReplay, list: true },
      handle: async (req) => {
        await s.webhookEndpoints.require(req.params.id);
        return req.list(await s.webhookReplays.list(req.params.id, await req.page()));
      },
    }),
  };
}
