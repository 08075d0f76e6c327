import type { SESEvent } from 'aws-lambda';
import { contextFor } from '../lib/bus/incoming-event.js';
import { config } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { annotateCorrelation, instrumented } from '../lib/observability.js';
import { createServices } from '../lib/services.js';
import { captureEmail, type SesRecord } from './use-cases/capture-email.js';

// The action of the SES receipt rule (deployed with -c inboundEmailDomain=…): SES stored the
// message under inbound-email/<its id> in the files bucket, then invokes this asynchronously,
// with the receipt (its verdicts and the envelope's recipients). A failure is retried by Lambda
// (twice), then lands in the on-failure queue; a redrive captures it again, never twice.
const services = createServices({
  runningAs: 'EmailCapture',
  files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
});

export const handler = instrumented(async (event: SESEvent) => {
  const domain = config.inboundEmailDomain();
  if (!domain) throw new Error('environment variable INBOUND_EMAIL_DOMAIN is not set');
  const outcomes = [];
  for (const record of event.Records as unknown as SesRecord[]) {
    const sesMessageId = record.ses.mail.messageId;
    annotateCorrelation(sesMessageId);
    const ctx = contextFor({ correlationId: sesMessageId }, new Date().toISOString(), 'email-capture');
    const outcome = await captureEmail(services, record, { domain, ctx });
    logger.info('email captured', { sesMessageId, ...outcome });
    outcomes.push(outcome);
  }
  return { outcomes };
});
