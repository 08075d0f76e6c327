import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { VersionConflict } from '../../../functions/lib/table/unit-of-work.js';
import { rebuildReportTotals } from '../../../functions/reports/use-cases/rebuild-report-totals.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, reportsApi, signIn } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { asDelivered, handoffFacts } from '../../support/handoff.js';
import { type TestMailbox, testMailbox } from '../../support/mailbox.js';
import { pdfText } from '../../support/pdf.js';
import { servicesOf, type TestTable, testTable } from '../../support/table.js';

// Products, line items and quotes through the API on DynamoDB Local, with the local S3 (the
// quote's PDF stored privately, fetched by its signed link) and the local runtime's SES (the
// quote mailed with its PDF attached). The PDF is read back with pdfjs and its text checked.

let table: TestTable;
let s3: TestFiles;
let mail: TestMailbox;
let api: ReturnType<typeof crmApi>;
const alice = users.alice;
let sesDown = false;
const today = () => new Date().toISOString().slice(0, 10);
const dayAfter = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  // the deployment's sender (the stack gives the CRM API QUOTE_FROM_EMAIL with -c digestFromEmail)
  process.env.QUOTE_FROM_EMAIL = 'quotes@handoff.local';
  s3 = await testFiles('handoff-test-quotes');
  mail = await testMailbox();
  table = await testTable({
    files: s3.files,
    // SES refusing (a fault: SES's own failure cannot be made here) while `sesDown`
    mailer: {
      send: (m) =>
        sesDown
          ? Promise.reject(Object.assign(new Error('Service unavailable'), { name: 'InternalFailure' }))
          : mail.mailer.send(m),
    },
  });
  api = crmApi(table);
  await signIn(api, users.alice, users.bob, users.dana);
});

afterAll(async () => {
  await mail?.close();
  await s3?.close();
});

async function product(body: Record<string, unknown>) {
  const res = await api('POST /products', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string; version: number };
}

let customers = 0;
/** An open deal of alice's, for a customer with a non-Latin name and an email address. */
async function openDeal(title = 'Website relaunch ✨', email = `zoe${++customers}@customer.example`) {
  const company = (
    await api('POST /companies', { as: alice, body: { name: `Müller & Søn ${Math.random()}` } })
  ).body;
  const made = await api('POST /contacts', {
    as: alice,
    body: { firstName: 'Zoë', lastName: 'Иванова', emails: [email], companyId: company.id },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const contact = made.body;
  const deal = (
    await api('POST /deals', {
      as: alice,
      body: {
        title,
        value: { amount: 5_000, currency: 'EUR' },
        ownerId: alice.sub,
        nextAction: { summary: 'Send the quote', dueAt: '2030-01-10T09:00:00Z' },
        companyId: company.id,
        contactId: contact.id,
      },
    })
  ).body;
  return { company, contact, deal };
}

async function setLines(dealId: string, lineItems: unknown[], ifMatch?: number) {
  return api('PUT /deals/{id}/line-items', {
    as: alice,
    params: { id: dealId },
    body: { lineItems },
    ...(ifMatch === undefined ? {} : { headers: { 'if-match': `"${ifMatch}"` } }),
  });
}

describe('the product catalog', () => {
  it('admins add, change and retire products; everybody reads and searches it; sales cannot change it', async () => {
    const refused = await api('POST /products', {
      as: alice,
      body: { name: 'Consulting', unit: 'hour', unitPrice: { amount: 12_000, currency: 'EUR' } },
    });
    expect(refused.status).toBe(403);
    const consulting = await product({
      name: 'Consulting',
      sku: 'CONS-H',
      unit: 'hour',
      unitPrice: { amount: 12_000, currency: 'EUR' },
      taxPercent: 19,
    });
    await product({ name: 'Hosting', unit: 'month', unitPrice: { amount: 4_900, currency: 'EUR' } });

    const found = await api('GET /products', { as: alice, query: { q: 'cons' } });
    expect(found.status).toBe(200);
    expect(found.body.items.map((p: { name: string }) => p.name)).toEqual(['Consulting']);

    const stale = await api('PATCH /products/{id}', {
      params: { id: consulting.id },
      headers: { 'if-match': '"7"' },
      body: { unitPrice: { amount: 13_000, currency: 'EUR' } },
    });
    expect(stale.status).toBe(412);
    const changed = await api('PATCH /products/{id}', {
      params: { id: consulting.id },
      headers: { 'if-match': `"${consulting.version}"` },
      body: { unitPrice: { amount: 13_000, currency: 'EUR' } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.unitPrice.amount).toBe(13_000);

    const retired = await api('POST /products/{id}/retire', { params: { id: consulting.id } });
    expect(retired.status).toBe(200);
    expect(retired.body.active).toBe(false);
    expect((await api('POST /products/{id}/retire', { params: { id: consulting.id } })).status).toBe(409);
    const offered = await api('GET /products', { as: alice, query: { active: 'true' } });
    expect(offered.body.items.map((p: { name: string }) => p.name)).not.toContain('Consulting');

    // a retired product is offered for no new line
    const { deal } = await openDeal();
    const line = await setLines(deal.id, [{ productId: consulting.id, quantity: 1 }]);
    expect(line.status).toBe(422);
    expect(line.body.errors).toEqual([expect.objectContaining({ path: 'lineItems.0.productId' })]);
  });
});

describe('line items', () => {
  it("are priced exactly, half-up per line; the deal's value follows their net total; If-Match guards them", async () => {
    const design = await product({
      name: 'Design',
      unit: 'day',
      unitPrice: { amount: 12_345, currency: 'EUR' },
      taxPercent: 19,
    });
    const { deal } = await openDeal();
    const set = await setLines(
      deal.id,
      [
        // 2.5 × 123.45 = 308.625 → 308.63; −10 % = 30.863 → 30.86; net 277.77; +19 % = 52.7763 → 52.78
        { productId: design.id, quantity: 2.5, discountPercent: 10 },
        // 0.5 × 0.01 = 0.005 → 0.01 (a half rounds up)
        { name: 'Rounding check', quantity: 0.5, unitPrice: { amount: 1, currency: 'EUR' } },
      ],
      deal.version,
    );
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.lineItems[0]).toMatchObject({
      productId: design.id,
      name: 'Design',
      unit: 'day',
      gross: 30_863,
      discount: 3_086,
      net: 27_777,
      tax: 5_278,
      total: 33_055,
    });
    expect(set.body.lineItems[1]).toMatchObject({ gross: 1, net: 1, tax: 0, total: 1, unit: 'item' });
    expect(set.body.totals).toEqual({
      count: 2,
      currency: 'EUR',
      gross: 30_864,
      discount: 3_086,
      net: 27_778,
      tax: 5_278,
      total: 33_056,
    });
    const after = await api('GET /deals/{id}', { as: alice, params: { id: deal.id } });
    expect(after.body.value).toEqual({ amount: 27_778, currency: 'EUR' });
    expect(after.headers.etag).toBe(`"${deal.version + 1}"`);
    expect(set.headers.etag).toBe(after.headers.etag);

    // a stale If-Match: 412, nothing written
    const stale = await setLines(deal.id, [], deal.version);
    expect(stale.status).toBe(412);

    const changed = (await eventsOf(table, 'DealLineItemsChanged')).filter(
      (e) => e.detail.data.dealId === deal.id,
    );
    expect(changed).toHaveLength(1);
    expect(changed[0]!.detail.data.value).toEqual({ amount: 27_778, currency: 'EUR' });
    expect(changed[0]!.detail.data.previousValue).toEqual({ amount: 5_000, currency: 'EUR' });
  });

  it('refuses mixed currencies, negative quantities, discounts over 100 % and 10,000 lines with a 422 naming the field; nothing written', async () => {
    const { deal } = await openDeal();
    const before = await itemCount(table);
    const eur = { amount: 1_000, currency: 'EUR' };
    const cases: [unknown[], string][] = [
      [
        [
          { name: 'A', quantity: 1, unitPrice: eur },
          { name: 'B', quantity: 1, unitPrice: { amount: 1_000, currency: 'USD' } },
        ],
        'lineItems.1.unitPrice.currency',
      ],
      [[{ name: 'A', quantity: -2, unitPrice: eur }], 'lineItems.0.quantity'],
      [[{ name: 'A', quantity: 1, unitPrice: eur, discountPercent: 150 }], 'lineItems.0.discountPercent'],
      [Array.from({ length: 10_000 }, () => ({ quantity: 1 })), 'lineItems'],
      [[{ quantity: 1 }], 'lineItems.0.name'],
    ];
    for (const [lines, path] of cases) {
      const res = await setLines(deal.id, lines);
      expect(res.status, path).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await itemCount(table)).toBe(before);
    const still = await api('GET /deals/{id}', { as: alice, params: { id: deal.id } });
    expect(still.body.version).toBe(deal.version);
    expect(still.body.value).toEqual(deal.value);
  });
});

describe('quotes', () => {
  it('versions under one number, a PDF read back, mailed with it; superseded and expired refused; the accepted quote is the project budget', async () => {
    const build = await product({
      name: 'Build',
      unit: 'hour',
      unitPrice: { amount: 10_000, currency: 'EUR' },
    });
    const { deal, contact } = await openDeal('Relaunch 🚀 für Zoë', 'zoe@customer.example');
    const names = ['Build', 'Консультация (Иван)', 'שלום עולם workshop', 'Launch party 🎉 東京の研修 김민준'];
    expect(
      (
        await setLines(deal.id, [
          { productId: build.id, quantity: 10 },
          ...names
            .slice(1)
            .map((name) => ({ name, quantity: 1, unitPrice: { amount: 50_000, currency: 'EUR' } })),
        ])
      ).status,
    ).toBe(200);

    // a validity in the past: 422, nothing written
    const past = await api('POST /deals/{id}/quotes', {
      as: alice,
      params: { id: deal.id },
      body: { scopeSummary: 'Relaunch', validUntil: '2020-01-01' },
    });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].path).toBe('validUntil');

    const make = async (validUntil = dayAfter(30)) => {
      const res = await api('POST /deals/{id}/quotes', {
        as: alice,
        params: { id: deal.id },
        body: { scopeSummary: 'Relaunch of the website on the new stack', validUntil, terms: 'Net 30 days' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const v1 = await make();
    expect(v1).toMatchObject({
      number: `Q-${today().slice(0, 4)}-0001`,
      quoteVersion: 1,
      status: 'draft',
      expired: false,
      customer: { contactId: contact.id, contactName: 'Zoë Иванова' },
      totals: { count: 4, currency: 'EUR', net: 250_000, total: 250_000 },
    });

    // the PDF: a signed link to a private file; its text is the quote
    const link = await api('GET /quotes/{id}/pdf', { as: users.dana, params: { id: v1.id } });
    expect(link.status).toBe(200);
    expect(link.body.fileName).toBe(`${v1.number}-v1.pdf`);
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain(`${v1.number}-v1.pdf`);
    const pdf = new Uint8Array(await file.arrayBuffer());
    const { pages, fonts } = await pdfText(pdf);
    const text = pages.join('\n');
    expect(text).toContain(`Quote ${v1.number}`);
    expect(text).toContain('Relaunch');
    expect(text).toContain('Консультация (Иван)');
    expect(text).toContain('Zoë Иванова');
    expect(text).toMatch(/EUR\s+2,500\.00/);
    expect(text).toContain('🎉');
    // Chinese and Japanese characters and Korean hangul, drawn (not U+FFFD); each character may
    // come from its own font subset, so the reader sees them as separate pieces of text
    expect(text).toMatch(/東\s*京\s*の\s*研\s*修\s+김\s*민\s*준/u);
    expect(text).not.toContain('\ufffd');
    expect(text).toContain('Net 30 days');
    expect(fonts).toEqual(
      expect.arrayContaining(['DejaVuSans', 'NotoEmoji-Regular', 'NotoSansSC-Regular', 'NotoSansKR-Regular']),
    );

    // v2 supersedes v1: same number; v1 can be neither sent nor accepted
    const v2 = await make();
    expect(v2).toMatchObject({ number: v1.number, quoteVersion: 2 });
    const old = await api('GET /quotes/{id}', { as: alice, params: { id: v1.id } });
    expect(old.body).toMatchObject({ status: 'superseded', supersededBy: v2.id });
    for (const action of ['POST /quotes/{id}/accept', 'POST /quotes/{id}/send']) {
      const res = await api(action, { as: alice, params: { id: v1.id } });
      expect(res.status, action).toBe(409);
      expect(res.body.quoteStatus).toBe('superseded');
    }

    // sent: mailed to the contact with its PDF attached, on the deal's timeline
    const sent = await api('POST /quotes/{id}/send', { as: alice, params: { id: v2.id } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({
      status: 'sent',
      sentTo: { contactId: contact.id, email: 'zoe@customer.example' },
    });
    const mailed = mail.received().at(-1)!;
    expect(mailed.to).toEqual(['zoe@customer.example']);
    expect(mailed.subject).toBe(`Quote ${v2.number} v2: Relaunch 🚀 für Zoë`);
    expect(mailed.attachments).toEqual([
      expect.objectContaining({ fileName: `${v2.number}-v2.pdf`, contentType: 'application/pdf' }),
    ]);
    expect((await pdfText(mailed.files[0]!)).pages.join('\n')).toContain('Version 2');
    const timeline = await api('GET /deals/{id}/timeline', { as: alice, params: { id: deal.id } });
    expect(JSON.stringify(timeline.body.items)).toContain('quote-sent');

    // declined, with the reason
    const declined = await api('POST /quotes/{id}/decline', {
      as: alice,
      params: { id: v2.id },
      body: { reason: 'Too expensive' },
    });
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'Too expensive' });

    // v3 valid until today only: accepted the day after, it has expired (409), nothing written
    const v3 = await make(today());
    const late = await api('POST /quotes/{id}/accept', {
      as: alice,
      params: { id: v3.id },
      at: Date.now() + 2 * 86_400_000,
    });
    expect(late.status).toBe(409);
    expect(late.body.quoteStatus).toBe('expired');

    // cheaper lines, v4 accepted: the deal's value is its net, its lines are fixed
    expect(
      (
        await setLines(deal.id, [
          { productId: build.id, quantity: 10 },
          { name: 'Workshop', quantity: 1, unitPrice: { amount: 40_000, currency: 'EUR' } },
        ])
      ).status,
    ).toBe(200);
    const v4 = await make();
    const accepted = await api('POST /quotes/{id}/accept', {
      as: alice,
      params: { id: v4.id },
      headers: { 'if-match': `"${v4.version}"` },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    const valued = await api('GET /deals/{id}', { as: alice, params: { id: deal.id } });
    expect(valued.body.value).toEqual({ amount: 140_000, currency: 'EUR' });
    expect((await setLines(deal.id, [])).status).toBe(409);
    expect(
      (
        await api('POST /deals/{id}/quotes', {
          as: alice,
          params: { id: deal.id },
          body: { scopeSummary: 'x', validUntil: dayAfter(9) },
        })
      ).status,
    ).toBe(409);
    const names4 = (await eventsOf(table, 'QuoteAccepted')).map((e) => e.detail.data.quoteId);
    expect(names4).toEqual([v4.id]);
    expect(
      (await eventsOf(table, 'QuoteCreated')).filter((e) => e.detail.data.quote.dealId === deal.id),
    ).toHaveLength(4);
    expect((await eventsOf(table, 'QuoteSent')).map((e) => e.detail.data.quoteId)).toEqual([v2.id]);
    expect((await eventsOf(table, 'QuoteDeclined')).map((e) => e.detail.data.reason)).toEqual([
      'Too expensive',
    ]);

    // won without a scope: the accepted quote's is the handoff's; the project budgets its lines
    const { scopeSummary: _none, ...facts } = handoffFacts(contact.id);
    const won = await api('POST /deals/{id}/won', {
      as: alice,
      params: { id: deal.id },
      body: { handoff: facts },
    });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    expect(won.body.handoff.scopeSummary).toBe('Relaunch of the website on the new stack');
    const win = (await eventsOf(table, 'DealClosedWon')).find((e) => e.detail.data.deal.id === deal.id)!;
    expect(await handOff(servicesOf(table, 'CreateProjectOnWin'), asDelivered(win), () => undefined)).toBe(
      'created',
    );
    const delivery = deliveryApi(table);
    const projectId = projectIdForDeal(deal.id);
    const project = await delivery('GET /projects/{id}', { as: users.dana, params: { id: projectId } });
    expect(project.body.handoffs[0].sold.quote).toEqual({ id: v4.id, number: v4.number, quoteVersion: 4 });
    expect(project.body.budget.amount).toEqual({ amount: 140_000, currency: 'EUR' });
    const buildLine = v4.lineItems[0];

    // 11 hours logged against 10 sold: over budget, said once, the project at risk
    const task = project.body.tasks[0];
    for (const minutes of [600, 60]) {
      const logged = await delivery('POST /tasks/{id}/time-entries', {
        as: users.dana,
        params: { id: task.id },
        body: { date: today(), minutes, budgetLineId: buildLine.id },
      });
      expect(logged.status, JSON.stringify(logged.body)).toBe(201);
    }
    const budget = await delivery('GET /projects/{id}/budget', { as: users.dana, params: { id: projectId } });
    expect(budget.status).toBe(200);
    expect(budget.body.atRisk).toBe(true);
    expect(budget.body.lines[0]).toMatchObject({
      name: 'Build',
      unit: 'hour',
      quantity: 10,
      actualQuantity: 11,
      actualAmount: { amount: 110_000, currency: 'EUR' },
      burn: 1.1,
      overBudget: true,
    });
    expect(budget.body.lines[1]).toMatchObject({ name: 'Workshop', actualQuantity: null, overBudget: false });
    const exceeded = await eventsOf(table, 'BudgetLineExceeded');
    expect(exceeded).toHaveLength(1);

    // the product report counts what was won, per product, in the month of the win (the team's,
    // as a manager or admin reads it, from the totals kept on write)
    const report = await reportsApi(table)('GET /reports/products', { as: users.admin });
    expect(report.status).toBe(200);
    expect(report.body.ownerId).toBeUndefined();
    const month = report.body.months.find((m: { month: string }) => m.month === today().slice(0, 7));
    expect(month.products).toEqual(
      expect.arrayContaining([
        { productId: build.id, deals: 1, won: [{ currency: 'EUR', amount: 100_000 }] },
        { productId: null, deals: 1, won: [{ currency: 'EUR', amount: 40_000 }] },
      ]),
    );
    // a sales rep reads their own: alice won this deal, so hers is the team's; bob won nothing
    const mine = await reportsApi(table)('GET /reports/products', { as: alice });
    expect(mine.body).toEqual({ ...report.body, ownerId: alice.sub });
    const bobs = await reportsApi(table)('GET /reports/products', { as: users.bob });
    expect(bobs.body.ownerId).toBe(users.bob.sub);
    expect(bobs.body.months.flatMap((m: { products: unknown[] }) => m.products)).toEqual([]);
    const prying = await reportsApi(table)('GET /reports/products', {
      as: users.bob,
      query: { ownerId: alice.sub },
    });
    expect(prying.status).toBe(403);
    const oneRep = await reportsApi(table)('GET /reports/products', {
      as: users.admin,
      query: { ownerId: alice.sub },
    });
    expect(oneRep.body).toEqual(mine.body);

    // RebuildReports recomputes the product totals from the won deals' lines
    const rebuild = servicesOf(table, 'RebuildReports');
    expect((await rebuildReportTotals(rebuild)).productDifferences).toBe(0);
    const { Items: kept = [] } = await table.services.store.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'REPORT#PRODUCTS' },
      }),
    );
    for (const item of kept)
      await table.services.store.doc.send(
        new DeleteCommand({ TableName: table.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
    const lost = await rebuildReportTotals(rebuild);
    expect(lost.productDifferences).toBe(4);
    expect((await rebuildReportTotals(rebuild, { apply: true })).applied).toBe(true);
    expect((await rebuildReportTotals(rebuild)).productDifferences).toBe(0);
    const rebuilt = await reportsApi(table)('GET /reports/products', { as: users.admin });
    expect(rebuilt.body).toEqual(report.body);

    // deleted (entered by mistake): what it sold leaves the product report; its lines go with it
    expect((await api('DELETE /deals/{id}', { params: { id: deal.id } })).status).toBe(204);
    const after = await reportsApi(table)('GET /reports/products', { as: users.admin });
    expect(
      after.body.months.find((m: { month: string }) => m.month === today().slice(0, 7)).products,
    ).toEqual([]);
    expect((await api('GET /deals/{id}/line-items', { as: alice, params: { id: deal.id } })).status).toBe(
      404,
    );
    expect((await api('GET /quotes/{id}', { as: alice, params: { id: v4.id } })).body.status).toBe(
      'accepted',
    );
  });
});

describe('sending a quote', () => {
  async function draft() {
    const { deal, contact } = await openDeal('Support renewal', `send${Math.random()}@customer.example`);
    expect(
      (
        await setLines(deal.id, [
          { name: 'Support', quantity: 12, unitPrice: { amount: 9_900, currency: 'EUR' } },
        ])
      ).status,
    ).toBe(200);
    const made = await api('POST /deals/{id}/quotes', {
      as: alice,
      params: { id: deal.id },
      body: { scopeSummary: 'A year of support', validUntil: dayAfter(30) },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return { quote: made.body as { id: string }, deal, email: contact.emails[0] as string };
  }
  const mailsTo = (email: string) => mail.received().filter((m) => m.to.includes(email)).length;

  it('sent twice at once (a double click, two tabs): mailed once; the other send is a 409 that mails nothing', async () => {
    const { quote, deal, email } = await draft();
    const both = await Promise.all([
      api('POST /quotes/{id}/send', { as: alice, params: { id: quote.id } }),
      api('POST /quotes/{id}/send', { as: alice, params: { id: quote.id } }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.body.detail).toMatch(/being sent|sent/);
    expect(mailsTo(email)).toBe(1);
    const timeline = await api('GET /deals/{id}/timeline', { as: alice, params: { id: deal.id } });
    expect(timeline.body.items.filter((i: { change?: string }) => i.change === 'quote-sent')).toHaveLength(1);
    // a send decided on the version before that record (a tab that read it earlier, racing) is a
    // lost race when it claims, before it mails: never a second mail from a stale decision
    const stale = table.services.quotes.claimSend(
      { id: quote.id, version: 1 },
      { now: new Date().toISOString(), leaseUntil: new Date(Date.now() + 60_000).toISOString() },
    );
    await expect(stale).rejects.toBeInstanceOf(VersionConflict);
    // the hold ends with the record: a deliberate send afterwards (a resend) mails it again
    const again = await api('POST /quotes/{id}/send', { as: alice, params: { id: quote.id } });
    expect(again.status).toBe(200);
    expect(mailsTo(email)).toBe(2);
  });

  it('SES refusing the mail (a fault): a 500, nothing recorded, and the send goes through at once when SES is back (not held)', async () => {
    const { quote, email } = await draft();
    sesDown = true;
    try {
      const refused = await api('POST /quotes/{id}/send', { as: alice, params: { id: quote.id } });
      expect(refused.status).toBe(500);
    } finally {
      sesDown = false;
    }
    expect((await api('GET /quotes/{id}', { as: alice, params: { id: quote.id } })).body.status).toBe(
      'draft',
    );
    expect(mailsTo(email)).toBe(0);
    const sent = await api('POST /quotes/{id}/send', { as: alice, params: { id: quote.id } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(mailsTo(email)).toBe(1);
  });
});
