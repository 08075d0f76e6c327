// `npm start -- --seed`: a small demo company, loaded through the HTTP API like any client
// would (so every record has its events and index entries): companies, contacts, deals owned
// by alice and bob across the pipeline's stages, each with a next action, a few of them late.

import { createHash } from 'node:crypto';

const DAY = 86_400_000;

export interface SeedPerson {
  id: string;
  groups: string[];
  email: string;
  name: string;
  timeZone: string;
}

/** The demo company's people: they appear as they would after signing in once. */
export const DEMO_PEOPLE: SeedPerson[] = [
  { id: 'alice', groups: ['sales'], email: 'alice@example.com', name: 'Alice', timeZone: 'Europe/Berlin' },
  { id: 'bob', groups: ['sales'], email: 'bob@example.com', name: 'Bob', timeZone: 'America/New_York' },
  { id: 'mia', groups: ['manager'], email: 'mia@example.com', name: 'Mia', timeZone: 'Europe/Berlin' },
];

export async function seedDemoCompany(
  apiUrl: string,
  token: string,
  tokenFor: (p: SeedPerson) => Promise<string>,
  now = Date.now(),
): Promise<string> {
  for (const person of DEMO_PEOPLE) {
    const own = await tokenFor(person);
    const headers = { authorization: `Bearer ${own}`, 'content-type': 'application/json' };
    await fetch(`${apiUrl}/me`, { headers });
    const res = await fetch(`${apiUrl}/me`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ name: person.name, timeZone: person.timeZone }),
    });
    if (!res.ok) throw new Error(`seeding ${person.id}'s profile answered ${res.status}`);
  }
  // the set-up's own account is a person in every record's history: give it a name, not its id
  {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${apiUrl}/me`, { headers });
    const res = await fetch(`${apiUrl}/me`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ name: 'Demo set-up' }),
    });
    if (!res.ok) throw new Error(`seeding the set-up account's profile answered ${res.status}`);
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        // re-running a seed that stopped half-way repeats nothing it already did
        'idempotency-key': createHash('sha256')
          .update(`seed:${method}:${path}:${JSON.stringify(body)}`)
          .digest('hex'),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`seeding ${method} ${path} answered ${res.status}: ${json.detail}`);
    return json;
  };
  const at = (days: number, hour = 9) => {
    const d = new Date(now + days * DAY);
    d.setUTCHours(hour, 0, 0, 0);
    return d.toISOString();
  };
  const companies = {
    acme: await call('POST', '/companies', {
      name: 'Acme GmbH',
      domain: 'acme.example',
      tags: ['key-account'],
      address: { city: 'Berlin', country: 'DE' },
    }),
    globex: await call('POST', '/companies', {
      name: 'Globex Corporation',
      domain: 'globex.example',
      tags: ['prospect'],
    }),
    initech: await call('POST', '/companies', { name: 'Initech', domain: 'initech.example' }),
  };
  const contacts = {
    grace: await call('POST', '/contacts', {
      firstName: 'Grace',
      lastName: 'Hopper',
      emails: ['grace@acme.example'],
      title: 'CTO',
      companyId: companies.acme.id,
      tags: ['champion'],
    }),
    hank: await call('POST', '/contacts', {
      firstName: 'Hank',
      lastName: 'Scorpio',
      emails: ['hank@globex.example'],
      title: 'CEO',
      companyId: companies.globex.id,
    }),
    bill: await call('POST', '/contacts', {
      firstName: 'Bill',
      lastName: 'Lumbergh',
      emails: ['bill@initech.example'],
      title: 'VP',
      companyId: companies.initech.id,
    }),
    peter: await call('POST', '/contacts', {
      firstName: 'Peter',
      lastName: 'Gibbons',
      emails: ['peter@initech.example'],
      companyId: companies.initech.id,
    }),
  };
  const eur = (amount: number) => ({ amount: amount * 100, currency: 'EUR' });
  const deals = [
    {
      title: 'Acme platform rollout',
      value: eur(48_000),
      ownerId: 'alice',
      contactId: contacts.grace.id,
      companyId: companies.acme.id,
      leadSource: 'referral',
      stage: 'st_proposal',
      next: { summary: 'Walk Grace through the proposal', dueAt: at(2) },
    },
    {
      title: 'Acme support renewal',
      value: eur(12_000),
      ownerId: 'bob',
      contactId: contacts.grace.id,
      companyId: companies.acme.id,
      leadSource: 'existing customer',
      stage: 'st_negotiation',
      next: { summary: 'Send the renewal contract', dueAt: at(1) },
    },
    {
      title: 'Globex expansion',
      value: eur(95_000),
      ownerId: 'bob',
      contactId: contacts.hank.id,
      companyId: companies.globex.id,
      leadSource: 'conference',
      stage: 'st_qualified',
      next: { summary: 'Call Hank about the pilot scope', dueAt: at(-1) },
    },
    {
      title: 'Initech reporting suite',
      value: eur(30_000),
      ownerId: 'alice',
      contactId: contacts.bill.id,
      companyId: companies.initech.id,
      leadSource: 'website',
      stage: 'st_lead',
      next: { summary: 'Qualify budget with Bill', dueAt: at(-3, 14) },
    },
    {
      title: 'Initech training',
      value: eur(6_500),
      ownerId: 'alice',
      contactId: contacts.peter.id,
      companyId: companies.initech.id,
      leadSource: 'website',
      stage: 'st_lead',
      next: { summary: 'Send the training outline', dueAt: at(5) },
    },
  ];
  for (const d of deals) {
    const deal = await call('POST', '/deals', {
      title: d.title,
      value: d.value,
      ownerId: d.ownerId,
      contactId: d.contactId,
      companyId: d.companyId,
      leadSource: d.leadSource,
      expectedCloseDate: at(30).slice(0, 10),
      nextAction: d.next,
    });
    if (d.stage !== 'st_lead') await call('POST', `/deals/${deal.id}/move`, { stageId: d.stage });
  }
  await call('POST', '/activities', {
    type: 'note',
    subject: 'Prefers email over calls',
    contactId: contacts.grace.id,
  });
  await call('POST', '/activities', {
    type: 'call',
    subject: 'Intro call',
    contactId: contacts.hank.id,
    occurredAt: at(-5),
    done: true,
    outcome: 'Interested in a pilot',
  });
  const late = deals.filter((d) => Date.parse(d.next.dueAt) < now).length;
  return `alice, bob (sales) and mia (manager); 3 companies, 4 contacts, ${deals.length} deals for alice and bob (${late} with a late next action), 2 activities`;
}
