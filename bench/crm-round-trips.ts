import { crmRoutes } from '../functions/crm/routes/index.js';
import { httpApi } from '../functions/lib/http/http-handler.js';
import { reportRoutes } from '../functions/reports/routes/reports.js';
import { workspaceRoutes } from '../functions/workspace/routes/index.js';
import { apiClient, users } from '../test/support/api.js';
import { testFiles } from '../test/support/files.js';
import { benchTable } from './support.js';

// Round trips per CRM route, counted by an SDK middleware on the DynamoDB client: every read
// route should cost one call, every command one TransactWriteItems plus the read(s) its
// decision needs. Measured on a warm function: the once-per-instance default pipeline and cursor
// key, the custom-field definitions an instance reads once, and each caller's profile (written
// after their first request) are in place before counting starts.

export async function crmRoundTrips(): Promise<string> {
  const s3 = await testFiles();
  const t = await benchTable({ files: s3.files });
  try {
    const api = apiClient(
      httpApi(
        {
          ...crmRoutes(t.services),
          ...workspaceRoutes(t.services, () => ({})),
          ...reportRoutes(t.services),
        },
        () => t.services,
      ),
    );
    const rows: [string, string, string][] = [];
    const measure = async (label: string, call: () => Promise<{ status: number }>, note = '') => {
      t.calls.length = 0;
      const res = await call();
      if (res.status >= 400) throw new Error(`${label} answered ${res.status}`);
      const counts = new Map<string, number>();
      for (const c of t.calls) counts.set(c, (counts.get(c) ?? 0) + 1);
      rows.push([label, `${t.calls.length} (${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')})`, note]);
      return res as { status: number; body: any };
    };
    // warm, as an instance is after its first requests
    await api('GET /pipelines');
    await api('GET /pipelines', { as: users.alice });
    await api('GET /pipelines', { as: users.bob });
    await api('GET /pipelines', { as: users.manager });
    await t.services.customFields.current();
    const company = (
      await measure(
        'POST /companies',
        () => api('POST /companies', { body: { name: 'Acme', tags: ['key'] } }),
        'company + 1 tag copy + event; the Query finds likely duplicates (its name as a match key)',
      )
    ).body;
    await measure('GET /companies/{id}', () => api('GET /companies/{id}', { params: { id: company.id } }));
    await measure('GET /companies?q=', () => api('GET /companies', { query: { q: 'ac' } }));
    await measure('PATCH /companies/{id}', () =>
      api('PATCH /companies/{id}', { params: { id: company.id }, body: { phone: '+1 555 0100' } }),
    );
    const contact = (
      await measure(
        'POST /contacts',
        () =>
          api('POST /contacts', {
            body: { firstName: 'Grace', emails: ['g@acme.example'], companyId: company.id },
          }),
        'contact + email guard + event, company checked in the transaction; the Queries find likely duplicates (mailbox, name at the company)',
      )
    ).body;
    await measure(
      'GET /contacts?email=',
      () => api('GET /contacts', { query: { email: 'g@acme.example' } }),
      'the email guard holds a copy',
    );
    await measure('GET /contacts?companyId=', () =>
      api('GET /contacts', { query: { companyId: company.id } }),
    );
    await measure('GET /contacts/{id}', () => api('GET /contacts/{id}', { params: { id: contact.id } }));
    await measure('PATCH /contacts/{id}', () =>
      api('PATCH /contacts/{id}', { params: { id: contact.id }, body: { title: 'CTO' } }),
    );
    const deal = (
      await measure(
        'POST /deals',
        () =>
          api('POST /deals', {
            as: users.alice,
            body: {
              title: 'Rollout',
              value: { amount: 1000, currency: 'EUR' },
              ownerId: users.alice.sub,
              nextAction: { summary: 'Call', dueAt: '2031-01-01T00:00:00Z' },
              contactId: contact.id,
              companyId: company.id,
            },
          }),
        'reads the pipeline for its first stage and the company for its name (the card shows it); the report totals are in the same transaction',
      )
    ).body;
    await measure('GET /deals/{id}', () => api('GET /deals/{id}', { params: { id: deal.id } }));
    await measure('GET /deals?ownerId=', () => api('GET /deals', { query: { ownerId: users.alice.sub } }));
    await measure('GET /deals?pipelineId=&stageId=', () =>
      api('GET /deals', { query: { pipelineId: 'pl_default', stageId: 'st_lead' } }),
    );
    await measure('PATCH /deals/{id}', () =>
      api('PATCH /deals/{id}', { params: { id: deal.id }, body: { title: 'Rollout 2' }, as: users.alice }),
    );
    await measure(
      'POST /deals/{id}/move',
      () =>
        api('POST /deals/{id}/move', {
          params: { id: deal.id },
          body: { stageId: 'st_qualified' },
          as: users.alice,
        }),
      'the deal, then its pipeline (its stage order says which stages a move forward reaches); the stage is checked against the pipeline inside the transaction',
    );
    await measure('PUT /deals/{id}/next-action', () =>
      api('PUT /deals/{id}/next-action', {
        params: { id: deal.id },
        body: { summary: 'Demo', dueAt: '2031-01-02T00:00:00Z', completeCurrent: true },
        as: users.alice,
      }),
    );
    await measure(
      'POST /deals/{id}/won',
      () =>
        api('POST /deals/{id}/won', {
          params: { id: deal.id },
          as: users.alice,
          body: {
            handoff: {
              scopeSummary: 's',
              promisedTimeline: { dueDate: '2031-03-01' },
              keyConstraints: ['c'],
              mainStakeholderContactId: contact.id,
              kickoffDate: '2031-02-01',
            },
          },
        }),
      'the dealToWin pattern: deal, stakeholder (and template) in one BatchGet, then the won reasons and the company (the event carries the customer), then one transaction',
    );
    await measure(
      'POST /activities',
      () => api('POST /activities', { body: { type: 'note', subject: 'n', contactId: contact.id } }),
      "reads the contact, whose company's timeline it lands on too",
    );
    await measure(
      'GET /contacts/{id}/timeline',
      () => api('GET /contacts/{id}/timeline', { params: { id: contact.id } }),
      'the contact heads its own timeline: existence and entries in one Query',
    );
    await measure('GET /activities?dealId=', () => api('GET /activities', { query: { dealId: deal.id } }));
    await measure('GET /pipelines', () => api('GET /pipelines'));
    await measure(
      'GET /followups',
      () => api('GET /followups'),
      'the due index (4 shards), stalled deals per rotting stage, the handoff gap, projects at risk, in parallel',
    );
    await measure(
      'GET /followups/summary',
      () => api('GET /followups/summary', { as: users.alice }),
      "the caller's due list: what is late (the entries up to now) and what falls due next (the first after), two Queries in parallel",
    );
    await measure(
      'GET /search?q=gra (a word)',
      () => api('GET /search', { query: { q: 'gra' } }),
      'title words, name words (contacts, companies), an email and a domain start: five Queries in parallel',
    );
    await measure(
      'GET /search?q=g@acme (an email)',
      () => api('GET /search', { query: { q: 'g@acme' } }),
      'an address is searched whole: the email index only',
    );
    await measure(
      'GET /search?q=+1 555 (a phone)',
      () => api('GET /search', { query: { q: '+1 555' } }),
      'name words of the digits and the phone copies, in parallel',
    );
    await measure('GET /calendar', () => api('GET /calendar'), 'one config item');
    await measure(
      'PUT /calendar',
      () =>
        api('PUT /calendar', {
          body: { workingDays: [1, 2, 3, 4, 5], holidays: [], annualHolidays: ['01-01', '12-25'] },
        }),
      'read at its version, one transaction with the event',
    );
    await measure('GET /users', () => api('GET /users'), 'the profiles made on sign-in');
    await measure(
      'PATCH /users/{id}',
      () => api('PATCH /users/{id}', { params: { id: users.bob.sub }, body: { active: false } }),
      'deactivate',
    );
    await api('PATCH /users/{id}', { params: { id: users.bob.sub }, body: { active: true } });
    const task = (
      await measure(
        'POST /activities (a task for someone else)',
        () =>
          api('POST /activities', {
            as: users.alice,
            body: {
              type: 'task',
              subject: 't',
              dealId: deal.id,
              dueAt: '2031-01-05T09:00:00Z',
              assigneeId: users.bob.sub,
            },
          }),
        "reads the deal; the assignee is a condition in the transaction; the deal's last activity and its copies are in it too",
      )
    ).body;
    await measure('GET /activities?assigneeId=&done=false', () =>
      api('GET /activities', { query: { assigneeId: users.bob.sub, done: 'false' } }),
    );
    await measure('DELETE /activities/{id}', () =>
      api('DELETE /activities/{id}', { params: { id: task.id } }),
    );
    await measure(
      'GET /deals/{id}/timeline',
      () => api('GET /deals/{id}/timeline', { params: { id: deal.id } }),
      'the deal (GetItem) and its timeline (Query), in parallel: one round trip of wall time',
    );
    await measure(
      'GET /companies/{id}/timeline',
      () => api('GET /companies/{id}/timeline', { params: { id: company.id } }),
      'the same, for a company',
    );
    await measure('GET /contacts?q= (one word)', () => api('GET /contacts', { query: { q: 'gra' } }));
    await measure('GET /deals?q=', () => api('GET /deals', { query: { q: 'roll' } }));
    await measure(
      'GET /deals?sort=expectedCloseDate&status=open',
      () => api('GET /deals', { query: { sort: 'expectedCloseDate', status: 'open' } }),
      "the open deals' copies ordered by expected close",
    );
    await measure(
      'GET /deals?sort=-value&currency=EUR',
      () => api('GET /deals', { query: { sort: '-value', currency: 'EUR' } }),
      'no status: open, won and lost in parallel, merged',
    );
    await measure(
      'GET /deals?expectedCloseFrom=&expectedCloseTo=&status=open',
      () =>
        api('GET /deals', {
          query: { expectedCloseFrom: '2031-01-01', expectedCloseTo: '2031-12-31', status: 'open' },
        }),
      'the range is the key condition',
    );
    const anyTag = (
      await api('POST /segments', {
        body: { name: 'Any', entity: 'company', filter: { tagsAny: ['key', 'other'] } },
      })
    ).body;
    await measure(
      'GET /segments/{id}/members (tagsAny: 2 tags)',
      () => api('GET /segments/{id}/members', { params: { id: anyTag.id } }),
      'the segment (custom field definitions are cached per instance), then one Query per tag in parallel, merged',
    );
    await measure(
      'GET /reports/forecast (a rep: own deals)',
      () => api('GET /reports/forecast', { as: users.alice }),
      "the rep's deals (one Query of the owner index) and the pipeline, in parallel",
    );
    await measure(
      'GET /reports/forecast (a manager: everyone)',
      () => api('GET /reports/forecast', { as: users.manager }),
      'the pipeline, the range, the stages and the months before it (overdue), in parallel',
    );
    const pdf = Buffer.from('%PDF-1.7 a signed statement of work');
    const asked = (
      await measure(
        'POST /deals/{id}/attachments',
        () =>
          api('POST /deals/{id}/attachments', {
            params: { id: deal.id },
            body: { name: 'SOW.pdf', contentType: 'application/pdf', size: pdf.length },
          }),
        'the deal exists (GetItem); the pending record; the upload link is signed without I/O',
      )
    ).body;
    await fetch(asked.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: pdf,
    });
    await measure(
      'POST /attachments/{id}/complete',
      () => api('POST /attachments/{id}/complete', { params: { id: asked.attachment.id } }),
      'the record, a HEAD of the file (S3, not counted), one transaction with AttachmentAdded',
    );
    await measure(
      'GET /deals/{id}/attachments',
      () => api('GET /deals/{id}/attachments', { params: { id: deal.id } }),
      'the deal (a real 404) and its stored attachments (gsi3)',
    );
    await measure(
      'GET /attachments/{id}',
      () => api('GET /attachments/{id}', { params: { id: asked.attachment.id } }),
      'the record; the download link is signed without I/O',
    );
    const spare = (await api('POST /contacts', { body: { firstName: 'Spare' } })).body;
    await measure(
      'DELETE /contacts/{id}',
      () => api('DELETE /contacts/{id}', { params: { id: spare.id } }),
      'two COUNT Queries of its deals (all, open), then the delete',
    );
    const linked = (await api('POST /companies', { body: { name: 'Linked' } })).body;
    await api('POST /contacts', { body: { firstName: 'Ada', companyId: linked.id } });
    await measure(
      'DELETE /companies/{id}?detach=true (1 contact)',
      () => api('DELETE /companies/{id}', { params: { id: linked.id }, query: { detach: 'true' } }),
      'four COUNT Queries, the links read, one change per detached record, then the delete',
    );
    await measure(
      'DELETE /deals/{id}',
      () => api('DELETE /deals/{id}', { params: { id: deal.id } }),
      'one transaction (deal, copies, totals, project mark); then its history and activities',
    );
    await measure(
      'POST /companies with Idempotency-Key',
      () => api('POST /companies', { body: { name: 'Once' }, headers: { 'Idempotency-Key': 'bench-1' } }),
      'Powertools records the key (in progress, then done)',
    );
    await measure(
      'the same POST repeated',
      () => api('POST /companies', { body: { name: 'Once' }, headers: { 'Idempotency-Key': 'bench-1' } }),
      'answered from the record; the command does not run',
    );
    const table = rows.map(([route, trips, note]) => `| \`${route}\` | ${trips} | ${note} |`).join('\n');
    return `## Round trips per CRM route\n\n| route | DynamoDB round trips | why |\n| --- | --- | --- |\n${table}`;
  } finally {
    await t.close();
    await s3.close();
  }
}
