import type { Routes } from '../../lib/http/route.js';
import type { Services } from '../../lib/services.js';
import { webhookRoutes } from '../../webhooks/routes/webhook-endpoints.js';
import { calendarRoutes } from './calendar.js';
import { customFieldRoutes } from './custom-fields.js';
import { dealReasonRoutes } from './deal-reasons.js';
import { leadRoutingRoutes } from './lead-routing.js';
import { meRoutes } from './me.js';
import { metaRoutes } from './meta.js';
import { userRoutes } from './users.js';

// Every route the workspace API function serves: the settings that shape the workspace (custom
// fields, lead routing, won and lost reasons, the company calendar), the caller's profile, the team directory, the webhook endpoints (functions/webhooks/), and the two open routes (health, the document).

export function workspaceRoutes(
  s: Pick<
    Services,
    | 'calendar'
    | 'customFields'
    | 'dealReasons'
    | 'leadRouting'
    | 'profiles'
    | 'settings'
    | 'store'
    | 'webhookDeliveries'
    | 'webhookEndpoints'
    | 'webhookReplays'
  >,
  openApi: () => unknown,
): Routes {
  return {
    ...customFieldRoutes(s),
    ...leadRoutingRoutes(s),
    ...dealReasonRoutes(s),
    ...calendarRoutes(s),
    ...meRoutes(s),
    ...userRoutes(s),
    ...webhookRoutes(s),
    ...metaRoutes(openApi),
  };
}
