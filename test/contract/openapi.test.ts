import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lint } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPortalRoute } from '../../functions/lib/http/route.js';
import { allRoutes } from '../../scripts/api-document.js';
import { users } from '../support/api.js';
import { crmApi, deliveryApi } from '../support/crm.js';
import { type TestTable, testTable } from '../support/table.js';

// The OpenAPI document is what integrators generate clients from: swagger-parser validates it
// against the OpenAPI 3.1 schema, an independent linter (Redocly's recommended rules) finds
// nothing in it, it says what every route takes and answers, and the API keeps the rules it
// documents (docs/api.md): unknown query parameters (on the public routes too), a malformed
// If-Match, an If-Match on a route that checks none, and JSON in another charset are refused; a
// stale If-Match is a 412 on every route that takes one. (Every answer the whole suite receives is
// checked against the document as it comes: test/support/openapi-contract.ts.)

const document = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended rules with no error, and no warning but localhost's (the local runtime is one of its servers)", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lint({
      ref: new URL('../../docs/openapi.json', import.meta.url).pathname,
      config,
    });
    expect(
      problems.filter((p) => p.ruleId !== 'no-server-example.com').map((p) => `${p.ruleId}: ${p.message}`),
    ).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document for swagger-parser: the specification's JSON Schema, and every $ref resolves", async () => {
    // a copy: swagger-parser dereferences what it is given in place
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toMatchObject({
      openapi: '3.1.0',
    });
  });

  it('names its servers and license, and for every route: its headers, its throttle and failure answers, If-Match where honoured', () => {
    expect(document.servers.map((s: { url: string }) => s.url)).toEqual([
      'http://localhost:3000',
      'https://{apiId}.execute-api.{region}.amazonaws.com',
    ]);
    expect(document.info.license.name).toBeTruthy();
    // an SPDX license expression: here a licence of one's own, LicenseRef-<letters, digits, . ->
    expect(document.info.license.identifier).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
    for (const [routeKey, route] of Object.entries(allRoutes())) {
      const [method, path] = routeKey.split(' ') as [string, string];
      const operation = document.paths[path][method.toLowerCase()];
      const headers = (operation.parameters ?? [])
        .filter((p: { in: string }) => p.in === 'header')
        .map((p: { name: string }) => p.name);
      expect(Object.keys(operation.responses), routeKey).toEqual(expect.arrayContaining(['429', '500']));
      if (route.roles === 'public') continue;
      expect(headers, routeKey).toContain('X-Correlation-Id');
      expect(headers.includes('If-Match'), routeKey).toBe(route.conditional === true);
      expect(Boolean(operation.responses['412']), routeKey).toBe(route.conditional === true);
      // the customer portal's routes take no Idempotency-Key (http-handler.ts), and no JWT
      expect(headers.includes('Idempotency-Key'), routeKey).toBe(method === 'POST' && !isPortalRoute(route));
      if (isPortalRoute(route))
        expect(operation.security, routeKey).toEqual(
          route.roles === 'portal-session' ? [{ portalSession: [] }] : [],
        );
    }
  });

  it('leaves defaults out of what a request must send: a field with a default is optional in every request body', () => {
    for (const [name, schema] of Object.entries<Record<string, any>>(document.components.schemas)) {
      for (const [field, property] of Object.entries<Record<string, unknown>>(schema.properties ?? {})) {
        expect('default' in property, `${name}.${field}`).toBe(false);
      }
    }
    expect(document.components.schemas.NewContact.required).toEqual(['firstName']);
    expect(document.components.schemas.NewContact.properties.emails.description).toContain('Default: [].');
  });
});

describe('the rules docs/api.md states, kept', () => {
  let table: TestTable;
  let crm: ReturnType<typeof crmApi>;
  let delivery: ReturnType<typeof deliveryApi>;
  beforeAll(async () => {
    table = await testTable();
    crm = crmApi(table);
    delivery = deliveryApi(table);
  });

  it('an unknown query parameter is a 400 naming it, on routes with and without parameters; nothing is written', async () => {
    const made = await crm('POST /companies', { body: { name: 'Quux' }, query: { zz: '1' } });
    expect(made.status).toBe(400);
    expect(made.body.errors).toEqual([{ path: 'zz', message: 'is not a parameter of this route' }]);
    expect((await crm('GET /companies', { query: { q: 'Quux' } })).body.items).toEqual([]);
    expect((await crm('GET /me', { query: { foo: '1' } })).status).toBe(400);
    expect((await crm('GET /companies', { query: { limit: '5', tagg: 'x' } })).status).toBe(400);
    for (const routeKey of ['GET /health', 'GET /openapi.json']) {
      const res = await crm(routeKey, { query: { v: '2' }, as: null });
      expect(res.status, routeKey).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'v', message: 'is not a parameter of this route' }]);
    }
  });

  it('a malformed If-Match is a 400 naming it on a conditional route, before anything changes; the ETag as issued deletes', async () => {
    const company = await crm('POST /companies', { body: { name: 'Malformed Inc' } });
    const contact = await crm('POST /contacts', { body: { firstName: 'Mal' } });
    const activity = await crm('POST /activities', {
      body: { type: 'note', subject: 'Met', contactId: contact.body.id },
    });
    expect(activity.status, JSON.stringify(activity.body)).toBe(201);
    const records = [
      { routeKey: 'DELETE /companies/{id}', read: 'GET /companies/{id}', id: company.body.id },
      { routeKey: 'DELETE /activities/{id}', read: 'GET /activities/{id}', id: activity.body.id },
    ];
    // each names version 1, the current one, as this API never writes it: unquoted, half
    // quoted, weak, with a leading zero, in a list; and things that are no ETag at all
    const malformed = ['1', '"1', '1"', 'W/"1"', '"01"', '"1", "2"', '"one"', ''];
    // the form the document gives If-Match is the one the API takes
    const documented = new RegExp(
      document.paths['/companies/{id}'].delete.parameters.find((p: { name: string }) => p.name === 'If-Match')
        .schema.pattern,
    );
    expect(malformed.filter((value) => documented.test(value))).toEqual([]);
    expect(['"1"', '*'].every((value) => documented.test(value))).toBe(true);
    for (const { routeKey, read, id } of records) {
      for (const value of malformed) {
        const res = await crm(routeKey, { params: { id }, headers: { 'If-Match': value } });
        expect(res.status, `${routeKey} If-Match: ${value}`).toBe(400);
        expect(res.body.errors).toEqual([{ path: 'If-Match', message: expect.any(String) }]);
      }
      expect((await crm(read, { params: { id } })).status).toBe(200);
    }
    for (const { routeKey, read, id } of records) {
      const version = (await crm(read, { params: { id } })).headers.etag!;
      expect(version).toBe('"1"');
      expect((await crm(routeKey, { params: { id }, headers: { 'If-Match': version } })).status).toBe(204);
    }
  });

  it('an If-Match on a route that changes no versioned record is a 400, not a condition silently ignored', async () => {
    const made = await crm('POST /companies', { body: { name: 'Acme' }, headers: { 'If-Match': '"1"' } });
    expect(made.status).toBe(400);
    expect(made.body.errors).toEqual([{ path: 'If-Match', message: 'is not a header of this route' }]);
  });

  it('JSON declared in a charset other than UTF-8 is a 415', async () => {
    const res = await crm('POST /companies', {
      body: { name: 'Acme' },
      headers: { 'content-type': 'application/json; charset=utf-16' },
    });
    expect(res.status).toBe(415);
    expect(res.body.detail).toContain('utf-16');
    const utf8 = await crm('POST /companies', {
      body: { name: 'Acme' },
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(utf8.status).toBe(201);
  });

  it('a stale If-Match is a 412 on a merge, and on a task comment; the current one goes through', async () => {
    const a = await crm('POST /companies', { body: { name: 'Initech' } });
    const b = await crm('POST /companies', { body: { name: 'Initech GmbH' } });
    const stale = await crm('POST /companies/{id}/merge', {
      params: { id: a.body.id },
      body: { duplicateId: b.body.id },
      headers: { 'If-Match': '"9"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.currentVersion).toBe(1);
    expect((await crm('GET /companies/{id}', { params: { id: b.body.id } })).status).toBe(200);
    const merged = await crm('POST /companies/{id}/merge', {
      params: { id: a.body.id },
      body: { duplicateId: b.body.id },
      headers: { 'If-Match': a.headers.etag! },
      as: users.manager,
    });
    expect(merged.status).toBe(200);

    const project = await delivery('POST /projects', {
      body: { name: 'Rollout', kickoffDate: '2030-02-04', ownerId: users.admin.sub },
    });
    const taskId = project.body.tasks[0].id;
    const task = await delivery('GET /tasks/{id}', { params: { id: taskId } });
    const late = await delivery('POST /tasks/{id}/comments', {
      params: { id: taskId },
      body: { body: 'looks fine' },
      headers: { 'If-Match': `"${task.body.version + 1}"` },
    });
    expect(late.status).toBe(412);
    const onTime = await delivery('POST /tasks/{id}/comments', {
      params: { id: taskId },
      body: { body: 'looks fine' },
      headers: { 'If-Match': task.headers.etag! },
    });
    expect(onTime.status).toBe(201);
    const comments = await delivery('GET /tasks/{id}/comments', { params: { id: taskId } });
    expect(comments.body.items).toHaveLength(1);
  });

  it('a list gives a nextCursor only when there is a next page, also when a page is exactly full', async () => {
    const tag = 'pagetest';
    for (const name of ['Alpha', 'Beta', 'Gamma'])
      await crm('POST /companies', { body: { name, tags: [tag] } });
    const exact = await crm('GET /companies', { query: { tag, limit: '3' } });
    expect(exact.body.items).toHaveLength(3);
    expect(exact.body.nextCursor).toBeNull();
    const first = await crm('GET /companies', { query: { tag, limit: '2' } });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await crm('GET /companies', { query: { tag, limit: '2', cursor: first.body.nextCursor } });
    expect(second.body.items.map((c: { name: string }) => c.name)).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((c: { name: string }) => c.name).sort()).toEqual([
      'Alpha',
      'Beta',
      'Gamma',
    ]);
  });

  it('a parent that does not exist is a 404 for its lists as for itself', async () => {
    const missing = 'prj_01ZZZZZZZZZZZZZZZZZZZZZZZZ';
    const entries = await delivery('GET /projects/{id}/time-entries', { params: { id: missing } });
    expect(entries.status).toBe(404);
    expect(entries.body).toMatchObject({ entity: 'project', id: missing });
    const comments = await delivery('GET /tasks/{id}/comments', {
      params: { id: 'task_01ZZZZZZZZZZZZZZZZZZZZZZZZ' },
    });
    expect(comments.status).toBe(404);
  });

  it('a win that names a template that does not exist is a 422 naming it, and the deal stays open', async () => {
    const contact = await crm('POST /contacts', { body: { firstName: 'Grace' } });
    const deal = await crm('POST /deals', {
      body: {
        title: 'Rollout',
        value: { amount: 1000, currency: 'EUR' },
        ownerId: users.admin.sub,
        nextAction: { summary: 'Close', dueAt: '2030-01-10T09:00:00Z' },
      },
    });
    const won = await crm('POST /deals/{id}/won', {
      params: { id: deal.body.id },
      body: {
        templateId: 'tpl_01ZZZZZZZZZZZZZZZZZZZZZZZZ',
        handoff: {
          scopeSummary: 'Roll out',
          promisedTimeline: { dueDate: '2030-06-28' },
          keyConstraints: ['on-prem'],
          mainStakeholderContactId: contact.body.id,
          kickoffDate: '2030-02-04',
        },
      },
    });
    expect(won.status).toBe(422);
    expect(won.body.errors).toEqual([
      { path: 'templateId', message: 'template tpl_01ZZZZZZZZZZZZZZZZZZZZZZZZ does not exist' },
    ]);
    expect((await crm('GET /deals/{id}', { params: { id: deal.body.id } })).body.status).toBe('open');
  });
});
