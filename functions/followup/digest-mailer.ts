import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { EventBridgeEvent } from 'aws-lambda';
import { readEvent } from '../lib/bus/incoming-event.js';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { mailDigestOnce } from './use-cases/mail-digest-once.js';
import { sendDigest } from './use-cases/send-digest-mail.js';

// Target of the FollowUpDigest rule (deployed with -c digestFromEmail=…): the digest by email.
// A digest is mailed once per person and day, however often its event comes (mail-digest-once.ts).
const services = createServices({ runningAs: 'DigestMailer' });
const ses = new SESv2Client({});
const from = config.digestFromEmail();
const appUrl = config.appUrl();

export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>, context) => {
  const { data } = readEvent('FollowUpDigest', event);
  const outcome = await mailDigestOnce(
    {
      store: services.store,
      send: async (digest) => {
        await sendDigest(ses, from, digest, appUrl);
      },
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
      warn: (message, details) => logger.warn(message, details),
    },
    data,
  );
  if (outcome !== 'mailed') return { mailed: false, reason: outcome };
  logger.info('digest mailed', { userId: data.userId, localDate: data.localDate });
  return { mailed: true };
});
