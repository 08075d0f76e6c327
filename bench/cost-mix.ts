import type { ReplayContext } from './cost.js';

// A week in the life of a company on Handoff: what each person does, how often, and why that
// often. Volumes are per person per week (or per company per week), for a team where a tenth are
// managers and the rest are split between sales and delivery. The sources are the habits of a
// small B2B sales and services team (a rep works 10 to 20 open deals and talks to a few new
// people a day; a delivery person works a few projects' tasks and logs time daily) and the
// console's own calls (web/src: which routes each page load makes). Each kind says its reason.

type Step = { status: number; body?: any };

export interface Mix {
  name: string;
  /** per person per week, or per company per week with `perCompany` */
  perWeek: number;
  perCompany?: boolean;
  reason: string;
  run(ctx: ReplayContext, i: number): Promise<Step[]>;
}

export function weeklyVolume(kind: Mix, people: number): number {
  return kind.perCompany ? kind.perWeek : kind.perWeek * people;
}

const pick = <T>(ctx: ReplayContext, list: T[]): T => list[Math.floor(ctx.rand() * list.length)]!;
const person = (ctx: ReplayContext, role?: 'sales' | 'delivery') => {
  const matching = ctx.world.people.filter((p) => !role || p.role === role || p.role === 'manager');
  return pick(ctx, matching.length ? matching : ctx.world.people);
};
/** A day of the week replayed: today and the four before it (time is logged for past days). */
const day = (i: number) => new Date(Date.now() - (i % 5) * 86_400_000).toISOString().slice(0, 10);
/** An instant in the coming week (next actions fall due during it). */
const dueIn = (i: number) => new Date(Date.now() + (1 + (i % 5)) * 86_400_000).toISOString();

/**
 * A page's requests, one after another: the console sends them at once, but on 2 shared cores
 * parallel requests lengthen each other's measured durations, which Lambda would not.
 */
async function sequence(calls: (() => Promise<Step>)[]): Promise<Step[]> {
  const out: Step[] = [];
  for (const c of calls) out.push(await c());
  return out;
}

/** The console's shell on every visit (App, session, notifications badge). */
async function shell(ctx: ReplayContext, who = person(ctx), first = false): Promise<Step[]> {
  ctx.visit(first);
  return sequence([
    () => ctx.call(who, 'GET', '/pipelines?limit=100'),
    () => ctx.call(who, 'GET', '/users?limit=100'),
    () => ctx.call(who, 'GET', '/custom-fields'),
    () => ctx.call(who, 'GET', '/followups/summary'),
  ]);
}

async function board(ctx: ReplayContext, who = person(ctx, 'sales')): Promise<Step[]> {
  const { world, call } = ctx;
  const own = who.role === 'manager' ? '' : `&ownerId=${who.id}`;
  return sequence([
    () => call(who, 'GET', `/reports/pipeline?pipelineId=${world.pipelineId}${own}`),
    ...world.stages
      .slice(0, -2)
      .map(
        (s) => () =>
          call(who, 'GET', `/deals?pipelineId=${world.pipelineId}&stageId=${s}&status=open&limit=25${own}`),
      ),
  ]);
}

async function newDeal(ctx: ReplayContext, i: number) {
  const who = person(ctx, 'sales');
  const contact = pick(ctx, ctx.world.contacts);
  const res = await ctx.call(who, 'POST', '/deals', {
    title: `Week deal ${i}`,
    value: { amount: 2000 + i * 10, currency: 'EUR' },
    ownerId: who.id,
    contactId: contact,
    nextAction: { summary: 'Discovery call', dueAt: dueIn(i) },
  });
  if (res.status === 201) ctx.world.deals.push({ id: res.body.id, owner: who.id, stage: 0 });
  return { res, who, contact };
}

function ownedDeal(ctx: ReplayContext) {
  const d = pick(ctx, ctx.world.deals);
  const owner = ctx.world.people.find((p) => p.id === d.owner) ?? ctx.admin;
  return { d, owner };
}

export const MIX: Mix[] = [
  {
    name: 'console visit (shell)',
    perWeek: 10,
    reason:
      'two sittings a working day; the first of each day downloads the assets again (conservative: browsers often keep them)',
    run: async (ctx, i) => shell(ctx, person(ctx), i % 2 === 0),
  },
  {
    name: 'board opened',
    perWeek: 15,
    reason:
      'sales and managers open the board about three times a day; each column is a GET /deals page of 25, managers read the stored totals',
    run: (ctx) => board(ctx),
  },
  {
    name: 'deal page opened',
    perWeek: 30,
    reason:
      'six deals looked at a day: the deal, its timeline, its activities, its project once won, its lines, quotes and attachments',
    run: async (ctx) => {
      const { d } = ownedDeal(ctx);
      const who = person(ctx);
      return sequence([
        () => ctx.call(who, 'GET', `/deals/${d.id}`),
        () => ctx.call(who, 'GET', `/deals/${d.id}/timeline?limit=25`),
        () => ctx.call(who, 'GET', `/activities?dealId=${d.id}&limit=25`),
        () =>
          ctx
            .call(who, 'GET', `/deals/${d.id}/project`)
            .then((r) => ({ status: r.status === 404 ? 200 : r.status })),
        () => ctx.call(who, 'GET', `/deals/${d.id}/line-items`),
        () => ctx.call(who, 'GET', `/deals/${d.id}/quotes`),
        () => ctx.call(who, 'GET', `/deals/${d.id}/attachments`),
      ]);
    },
  },
  {
    name: 'lists opened (contacts, follow-ups, projects)',
    perWeek: 10,
    reason: 'two list views a day, the follow-up list being the most used',
    run: async (ctx, i) => {
      const who = person(ctx);
      const path = ['/contacts?limit=50', '/followups?limit=100', '/projects?limit=50'][i % 3]!;
      return [await ctx.call(who, 'GET', path)];
    },
  },
  {
    name: 'search typed',
    perWeek: 10,
    reason: 'two look-ups a day in the header search, three requests each as the name is typed',
    run: async (ctx) => {
      const who = person(ctx);
      return sequence(
        ['Hi', 'Hist', 'Hist1'].map((q) => () => ctx.call(who, 'GET', `/search?q=${q}&limit=5`)),
      );
    },
  },
  {
    name: 'contact created',
    perWeek: 5,
    reason: 'a new person met per working day per rep (new leads, new stakeholders)',
    run: async (ctx, i) => {
      const who = person(ctx, 'sales');
      const res = await ctx.call(who, 'POST', '/contacts', {
        firstName: `New${i}`,
        lastName: 'Lead',
        emails: [`new${i}-${Math.floor(ctx.rand() * 1e9)}@lead.example`],
      });
      if (res.status === 201) ctx.world.contacts.push(res.body.id);
      return [res];
    },
  },
  {
    name: 'deal created',
    perWeek: 2,
    reason: 'two new opportunities a week per person (sales make most of them)',
    run: async (ctx, i) => [(await newDeal(ctx, i)).res],
  },
  {
    name: 'deal moved to the next stage',
    perWeek: 4,
    reason:
      'a rep with 15 open deals moves about a quarter of them a week (drag on the board, which reloads its columns)',
    run: async (ctx) => {
      const { d, owner } = ownedDeal(ctx);
      if (d.stage >= ctx.world.stages.length - 3) return [];
      d.stage++;
      const moved = await ctx.call(owner, 'POST', `/deals/${d.id}/move`, {
        stageId: ctx.world.stages[d.stage],
      });
      return [moved, ...(await board(ctx, owner))];
    },
  },
  {
    name: 'next action set',
    perWeek: 8,
    reason: 'every touch of a deal completes its next action and sets the following one',
    run: async (ctx, i) => {
      const { d, owner } = ownedDeal(ctx);
      return [
        await ctx.call(owner, 'PUT', `/deals/${d.id}/next-action`, {
          summary: `Follow up ${i}`,
          dueAt: dueIn(i + 1),
          completeCurrent: true,
        }),
      ];
    },
  },
  {
    name: 'activity logged',
    perWeek: 10,
    reason: 'two calls or meetings noted a day',
    run: async (ctx, i) => {
      const { d, owner } = ownedDeal(ctx);
      return [
        await ctx.call(owner, 'POST', '/activities', {
          type: i % 2 ? 'call' : 'note',
          subject: `Touch ${i}`,
          dealId: d.id,
        }),
      ];
    },
  },
  {
    name: 'deal won (handoff: its project)',
    perWeek: 0.3,
    reason:
      'a rep closes a deal every two to three weeks; winning hands it to delivery (the handoff function writes the project), and the webhook receiver hears of it',
    run: async (ctx, i) => {
      const { res, who, contact } = await newDeal(ctx, 10_000 + i);
      if (res.status !== 201) return [res];
      const won = await ctx.call(who, 'POST', `/deals/${res.body.id}/won`, {
        handoff: {
          scopeSummary: 'Rollout for the customer',
          promisedTimeline: { dueDate: '2027-06-30' },
          keyConstraints: ['budget'],
          mainStakeholderContactId: contact,
          kickoffDate: '2027-02-01',
        },
      });
      ctx.world.deals = ctx.world.deals.filter((d) => d.id !== res.body.id);
      let project: Step = { status: 0 };
      for (let t = 0; t < 200 && project.status !== 200; t++) {
        project = await ctx.call(who, 'GET', `/deals/${res.body.id}/project`);
        if (project.status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      if (project.status === 200) {
        ctx.world.won.push({ dealId: res.body.id, projectId: project.body.id, contactId: contact });
        const full = await ctx.call(who, 'GET', `/projects/${project.body.id}`);
        for (const t of full.body?.tasks ?? [])
          ctx.world.tasks.push({ id: t.id, projectId: project.body.id });
      }
      return [won, project];
    },
  },
  {
    name: 'quote made and sent',
    perWeek: 0.5,
    reason:
      'a rep sends a quote for about every other deal, one a fortnight: three lines, the quote, its PDF rendered and mailed to the contact',
    run: async (ctx, i) => {
      const { res, who } = await newDeal(ctx, 30_000 + i);
      if (res.status !== 201) return [res];
      const lines = await ctx.call(
        who,
        'PUT',
        `/deals/${res.body.id}/line-items`,
        {
          lineItems: [
            { name: 'Setup', quantity: 1, unitPrice: { amount: 150_000, currency: 'EUR' } },
            { name: 'Consulting day', quantity: 5, unitPrice: { amount: 90_000, currency: 'EUR' } },
            {
              name: 'Licence',
              quantity: 12,
              unitPrice: { amount: 4_900, currency: 'EUR' },
              discountPercent: 10,
            },
          ],
        },
        { 'if-match': `"${res.body.version}"` },
      );
      if (lines.status >= 400) return [lines];
      const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const quote = await ctx.call(who, 'POST', `/deals/${res.body.id}/quotes`, {
        scopeSummary: 'Rollout and a year of licences',
        validUntil,
      });
      if (quote.status >= 400) return [quote];
      const pdf = await ctx.call(who, 'GET', `/quotes/${quote.body.id}/pdf`);
      const url = pdf.body?.url ?? pdf.body?.download?.url;
      if (url) await (await fetch(url)).arrayBuffer();
      const sent = await ctx.call(who, 'POST', `/quotes/${quote.body.id}/send`, undefined, {
        'if-match': `"${quote.body.version}"`,
      });
      return [lines, quote, pdf, sent];
    },
  },
  {
    name: 'customer portal (link shared, customer views)',
    perWeek: 0.5,
    reason:
      'each running project is shared with its customer, who follows it a couple of times a week: a link, a session, the project read',
    run: async (ctx) => {
      if (!ctx.world.won.length) return [];
      const { projectId, contactId } = pick(ctx, ctx.world.won);
      const link = await ctx.call(ctx.admin, 'POST', `/projects/${projectId}/portal-links`, { contactId });
      if (link.status !== 201) return [link];
      const token = String(link.body.url).split('#')[1];
      const session = await ctx.anonymous('POST', '/portal/sessions', { token });
      if (session.status !== 201) return [session];
      const view = await ctx.anonymous('GET', '/portal/project', undefined, session.body.accessToken);
      return [link, session, view];
    },
  },
  {
    name: 'deal lost',
    perWeek: 0.5,
    reason: 'about two in three closed deals are lost',
    run: async (ctx, i) => {
      const { res, who } = await newDeal(ctx, 20_000 + i);
      if (res.status !== 201) return [res];
      ctx.world.deals = ctx.world.deals.filter((d) => d.id !== res.body.id);
      return [await ctx.call(who, 'POST', `/deals/${res.body.id}/lost`, { reason: 'budget' })];
    },
  },
  {
    name: 'project page opened',
    perWeek: 10,
    reason: 'delivery opens its projects twice a day: the project, its schedule, attachments and time',
    run: async (ctx) => {
      if (!ctx.world.tasks.length) return [];
      const { projectId } = pick(ctx, ctx.world.tasks);
      const who = person(ctx, 'delivery');
      return sequence([
        () => ctx.call(who, 'GET', `/projects/${projectId}`),
        () => ctx.call(who, 'GET', `/projects/${projectId}/schedule`),
        () => ctx.call(who, 'GET', `/projects/${projectId}/attachments?limit=25`),
        () => ctx.call(who, 'GET', `/projects/${projectId}/time-entries?limit=100`),
      ]);
    },
  },
  {
    name: 'task worked (status changed)',
    perWeek: 6,
    reason: 'a delivery person moves a task or two a day (to in progress, to done)',
    run: async (ctx, i) => {
      if (!ctx.world.tasks.length) return [];
      const { id } = pick(ctx, ctx.world.tasks);
      const who = person(ctx, 'delivery');
      // started, or put back: "done" waits on predecessors the replay does not finish first
      return [await ctx.call(who, 'PATCH', `/tasks/${id}`, { status: i % 2 ? 'todo' : 'in_progress' })];
    },
  },
  {
    name: 'time logged',
    perWeek: 5,
    reason: 'delivery logs time once a working day',
    run: async (ctx, i) => {
      if (!ctx.world.tasks.length) return [];
      const { id } = pick(ctx, ctx.world.tasks);
      return [
        await ctx.call(person(ctx, 'delivery'), 'POST', `/tasks/${id}/time-entries`, {
          date: day(i),
          minutes: 30 + (i % 6) * 15,
        }),
      ];
    },
  },
  {
    name: 'task comment',
    perWeek: 3,
    reason: 'a few comments a week on tasks',
    run: async (ctx, i) => {
      if (!ctx.world.tasks.length) return [];
      const { id } = pick(ctx, ctx.world.tasks);
      return [await ctx.call(person(ctx), 'POST', `/tasks/${id}/comments`, { body: `Comment ${i}` })];
    },
  },
  {
    name: 'attachment uploaded and downloaded',
    perWeek: 1,
    reason: 'a proposal, a statement of work or a deliverable a week (200 KB), opened once',
    run: async (ctx, i) => {
      const { d, owner } = ownedDeal(ctx);
      const file = Buffer.alloc(200 * 1024, i % 256);
      const asked = await ctx.call(owner, 'POST', `/deals/${d.id}/attachments`, {
        name: `proposal-${i}.pdf`,
        contentType: 'application/pdf',
        size: file.length,
      });
      if (asked.status !== 201) return [asked];
      await fetch(asked.body.upload.url, {
        method: 'PUT',
        headers: { 'content-type': 'application/pdf' },
        body: file,
      });
      const done = await ctx.call(owner, 'POST', `/attachments/${asked.body.attachment.id}/complete`);
      const link = await ctx.call(owner, 'GET', `/attachments/${asked.body.attachment.id}`);
      if (link.body?.download?.url) await (await fetch(link.body.download.url)).arrayBuffer();
      return [done, link];
    },
  },
  {
    name: 'email captured (BCC over SMTP)',
    perWeek: 15,
    reason: 'three customer emails a day BCC the capture address (about 2 KB each)',
    run: async (ctx, i) => {
      await ctx.mail(i);
      return [];
    },
  },
  {
    name: 'CSV import (50 contacts)',
    perWeek: 1,
    perCompany: true,
    reason: 'a list from an event or a partner, once a week per company',
    run: async (ctx, i) => {
      const rows = Array.from({ length: 50 }, (_, r) => `Imp${i}x${r},Row,imp${i}x${r}@list.example`);
      const job = await ctx.call(ctx.admin, 'POST', '/imports', { kind: 'contacts' });
      if (job.status !== 201) return [job];
      await fetch(job.body.upload.url, {
        method: 'PUT',
        headers: { 'content-type': 'text/csv' },
        body: ['firstName,lastName,email', ...rows].join('\n'),
      });
      let state: Step = { status: 0 };
      for (let t = 0; t < 400; t++) {
        state = await ctx.call(ctx.admin, 'GET', `/imports/${job.body.id}`);
        if (state.body?.status === 'completed' || state.body?.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      return [state.body?.status === 'completed' ? state : { status: 500 }];
    },
  },
  {
    name: 'CSV export',
    perWeek: 0.2,
    reason: "one export a week per five people (a manager's spreadsheet, a mailing)",
    run: async (ctx) => {
      const job = await ctx.call(ctx.admin, 'POST', '/exports', { kind: 'deals' });
      if (job.status !== 202 && job.status !== 201) return [job];
      let state: Step = { status: 0 };
      for (let t = 0; t < 400; t++) {
        state = await ctx.call(ctx.admin, 'GET', `/exports/${job.body.id}`);
        if (state.body?.status === 'completed' || state.body?.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (state.body?.download)
        await (await fetch(state.body.download.url ?? state.body.download)).arrayBuffer();
      return [state.body?.status === 'completed' ? state : { status: 500 }];
    },
  },
];
