import { usePipelines } from '../api/queries.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { CalendarEditor } from './CalendarEditor.js';
import { CustomFieldsAdmin } from './CustomFieldsAdmin.js';
import { LeadRouting } from './LeadRoutingForm.js';
import { PipelineEditor } from './PipelineEditor.js';
import { ProductCatalog } from './ProductCatalog.js';
import { Templates } from './Templates.js';
import { Webhooks } from './Webhooks.js';
import './admin.css';

// The workspace's settings for admins: pipelines and their stages, the company calendar, custom
// fields, lead routing, the product catalog, the kickoff templates and the webhook endpoints. Each saves through its own route, If-Match
// with the version read, so two admins never overwrite each other unseen.

export default function Admin() {
  const pipelines = usePipelines();
  return (
    <div className="admin">
      <h1>Admin</h1>
      <h2>Pipelines and stages</h2>
      <ProblemAlert
        error={pipelines.error}
        loading="the pipelines"
        onRetry={() => void pipelines.refetch()}
      />
      {(pipelines.data ?? []).map((p) => (
        <PipelineEditor key={p.id} pipeline={p} />
      ))}
      <h2>Company calendar</h2>
      <CalendarEditor />
      <h2>Custom fields</h2>
      <CustomFieldsAdmin />
      <h2>Lead routing</h2>
      <LeadRouting />
      <h2 id="catalog">Product catalog</h2>
      <ProductCatalog />
      <h2>Kickoff templates</h2>
      <Templates />
      <h2 id="webhooks">Webhooks</h2>
      <Webhooks />
    </div>
  );
}
