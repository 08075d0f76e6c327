import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { readEvent } from '../lib/bus/incoming-event.js';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { recordMailed, wasMailed } from '../lib/table/entities/digest.js';
import { sendDigest } from './use-cases/send-digest-mail.js';

// Target of the FollowUpDigest rule (deployed with -c digestFromEmail=…): the digest by email.
// A digest already mailed (a redelivered event) is not mailed again.
const services = createServices({ runningAs: 'DigestMailer' });
const ses = new SESv2Client({});
const from = config.digestFromEmail();
const appUrl = config.appUrl();

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>) => {
  const { data } = readEvent('FollowUpDigest', event);
  if (await wasMailed(services.store, data.userId, data.localDate))
    return { mailed: false, reason: 'already mailed' };
  if (!(await sendDigest(ses, from, data, appUrl))) return { mailed: false, reason: 'no email address' };
  await recordMailed(services.store, data.userId, data.localDate, new Date().toISOString());
  logger.info('digest mailed', { userId: data.userId, localDate: data.localDate });
  return { mailed: true };
});
