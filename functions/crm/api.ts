import { config } from '../lib/config.js';
import { httpApi } from '../lib/http/http-handler.js';
import { createServices } from '../lib/services.js';
import { crmRoutes } from './routes/index.js';

// The CRM API function: its routes over services built once per instance.
// the bucket's client is loaded only by a request that touches a file (an attachment)
const services = createServices({
  runningAs: 'CrmApi',
  files: () => import('../lib/files/file-store.js').then(({ FileStore }) => new FileStore()),
  // quotes are mailed from the deployment's sender, when it has one
  mailer: async () => {
    const from = config.quoteFromEmail();
    if (!from) return undefined;
    const [{ SESv2Client }, { Mailer }] = await Promise.all([
      import('@aws-sdk/client-sesv2'),
      import('../lib/mail/mailer.js'),
    ]);
    return new Mailer(new SESv2Client({}), from);
  },
});

export const handler = httpApi(crmRoutes(services), () => services);
