import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount } from '../../support/crm.js';
import { type TestTable, testTable } from '../../support/table.js';

// The company calendar on DynamoDB Local: the default keeps New Year's Day and Christmas Day
// off, an admin sets the deployment's holidays, every template without its own calendar plans on
// it, a template's own calendar wins, and a project keeps the calendar it was planned on.

let table: TestTable;
let api: ReturnType<typeof deliveryApi>;
let crm: ReturnType<typeof crmApi>;
const lead = { sub: 'u-lead', groups: ['delivery'], email: 'lead@example.com' };
let plain: string;

beforeAll(async () => {
  table = await testTable();
  api = deliveryApi(table);
  crm = crmApi(table);
  for (const u of [lead, users.admin]) await crm('GET /pipelines', { as: u });
  plain = (
    await api('POST /templates', {
      as: lead,
      body: { name: 'Ten days', tasks: [{ key: 'work', title: 'Work', durationDays: 10 }] },
    })
  ).body.id;
});

const plan = async (kickoffDate: string, templateId = plain) => {
  const res = await api('POST /projects', {
    as: lead,
    body: { name: `From ${kickoffDate}`, templateId, kickoffDate },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; calendar: unknown; tasks: { dueDate: string }[] };
};

describe('the company calendar', () => {
  it('by default works Monday to Friday with 01-01 and 12-25 off, every year', async () => {
    const calendar = await crm('GET /calendar', { as: lead });
    expect(calendar.body).toMatchObject({
      workingDays: [1, 2, 3, 4, 5],
      annualHolidays: ['01-01', '12-25'],
      version: 0,
    });
    // Mon 2029-12-17 + 10 working days, skipping Tue 12-25 and Tue 01-01: 12-17..21, 24, 26..28, 31 → ends Mon 12-31
    const project = await plan('2029-12-17');
    expect(project.tasks[0]!.dueDate).toBe('2029-12-31');
    // from Mon 12-24: 24, 26, 27, 28, 31, (01-01 off) 02, 03, 04, 07, 08 → ends Tue 2030-01-08
    expect((await plan('2029-12-24')).tasks[0]!.dueDate).toBe('2030-01-08');
  });

  it('an admin sets it; new projects plan on it, existing ones keep theirs', async () => {
    const before = await plan('2030-05-06');
    expect(before.tasks[0]!.dueDate).toBe('2030-05-17');
    const bySomeone = await crm('PUT /calendar', {
      as: lead,
      body: { workingDays: [1, 2, 3, 4, 5], holidays: ['2030-05-09'] },
    });
    expect(bySomeone.status).toBe(403);
    const set = await crm('PUT /calendar', {
      as: users.admin,
      body: {
        workingDays: [1, 2, 3, 4, 5],
        holidays: ['2030-05-09'],
        annualHolidays: ['12-25', '01-01', '05-01'],
      },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ annualHolidays: ['01-01', '05-01', '12-25'], version: 1 });
    expect((await eventsOf(table, 'CompanyCalendarChanged')).at(-1)!.detail.data.calendar.version).toBe(1);
    // Ascension Day (05-09) is off now: the same ten days end a day later
    const after = await plan('2030-05-06');
    expect(after.tasks[0]!.dueDate).toBe('2030-05-20');
    const kept = await api('GET /projects/{id}', { params: { id: before.id }, as: lead });
    expect(kept.body.tasks[0].dueDate).toBe('2030-05-17');
  });

  it("a template's own calendar wins over the company's", async () => {
    const own = await api('POST /templates', {
      as: lead,
      body: {
        name: 'Six-day week',
        calendar: { workingDays: [1, 2, 3, 4, 5, 6], holidays: [] },
        tasks: [{ key: 'work', title: 'Work', durationDays: 10 }],
      },
    });
    // Mon 05-06 .. Sat 05-11 (6), 13..16 (4): ends Thu 05-16, the company's 05-09 holiday not taken
    expect((await plan('2030-05-06', own.body.id)).tasks[0]!.dueDate).toBe('2030-05-16');
  });

  it('bad calendars are refused, naming the field, and nothing is written', async () => {
    const before = await itemCount(table);
    for (const [body, path] of [
      [{ workingDays: [] }, 'workingDays'],
      [{ workingDays: [1, 8] }, 'workingDays.1'],
      [{ workingDays: [1, 1] }, 'workingDays'],
      [{ workingDays: [1], annualHolidays: ['25-12'] }, 'annualHolidays.0'],
      [{ workingDays: [1], holidays: ['2030-02-30'] }, 'holidays.0'],
    ] as const) {
      const res = await crm('PUT /calendar', { as: users.admin, body });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await itemCount(table)).toBe(before);
  });
});
