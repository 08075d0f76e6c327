import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { readEvent } from '../lib/bus/incoming-event.js';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { keys } from '../lib/table/keys.js';
import { ConcurrentModification, notExists } from '../lib/table/store.js';
import { sendDigest } from './use-cases/send-digest-mail.js';

// Target of the FollowUpDigest rule (deployed with -c digestFromEmail=…): the digest by email.
// A digest already mailed (a redelivered event) is not mailed again.
const services = createServices();
const ses = new SESv2Client({});
const from = config.digestFromEmail();
const appUrl = config.appUrl();

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  const { data } = readEvent('FollowUpDigest', event);
  const key = keys.mail(data.userId, data.localDate);
  if (await services.store.get(key)) return { mailed: false, reason: 'already mailed' };
  if (!(await sendDigest(ses, from, data, appUrl))) return { mailed: false, reason: 'no email address' };
  try {
    await services.store.transact([
      {
        put: { ...key, entity: 'mail', sentAt: new Date().toISOString() },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification('mail'),
      },
    ]);
  } catch (error) {
    if (!(error instanceof ConcurrentModification)) throw error;
  }
  logger.info('digest mailed', { userId: data.userId, localDate: data.localDate });
  return { mailed: true };
});
