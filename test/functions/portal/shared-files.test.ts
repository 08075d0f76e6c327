import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, itemCount, portalApi } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { type TestTable, testTable } from '../../support/table.js';

// Files shared with the customer, on DynamoDB Local and the local S3: delivery chooses which of a
// project's files the portal shows; the customer sees and downloads those, and nothing of
// another project's, nor a file no longer shared.

let table: TestTable;
let s3: TestFiles;
let team: ReturnType<typeof deliveryApi>;
let portal: ReturnType<typeof portalApi>;
let bearer: { authorization: string };
const ids: Record<string, string> = {};
const plan = Buffer.from('The rollout plan, for the customer.\n');

async function storedFile(projectId: string, name: string, body: Buffer) {
  const asked = await team('POST /projects/{id}/attachments', {
    params: { id: projectId },
    body: { name, contentType: 'text/plain', size: body.length },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const put = await fetch(asked.body.upload.url, { method: 'PUT', headers: asked.body.upload.headers, body });
  expect(put.status).toBe(200);
  const done = await crmApi(table)('POST /attachments/{id}/complete', {
    params: { id: asked.body.attachment.id },
  });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return asked.body.attachment.id as string;
}

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  team = deliveryApi(table);
  portal = portalApi(table);
  const crm = crmApi(table);
  await crm('GET /pipelines', { as: users.admin });
  const company = (await crm('POST /companies', { body: { name: 'Acme' } })).body;
  const carol = (await crm('POST /contacts', { body: { firstName: 'Carol', companyId: company.id } })).body;
  const project = async (name: string) =>
    (
      await team('POST /projects', {
        body: {
          name,
          kickoffDate: '2030-01-07',
          customer: { companyId: company.id, mainStakeholderContactId: carol.id },
        },
      })
    ).body.id as string;
  ids.a = await project('A');
  ids.b = await project('B');
  ids.plan = await storedFile(ids.a, 'rollout-plan.txt', plan);
  ids.internal = await storedFile(ids.a, 'margins.txt', Buffer.from('internal'));
  ids.other = await storedFile(ids.b, 'other.txt', Buffer.from('another project'));
  const link = (
    await team('POST /projects/{id}/portal-links', { params: { id: ids.a }, body: { contactId: carol.id } })
  ).body;
  const session = await portal('POST /portal/sessions', {
    as: null,
    body: { token: link.url.slice(link.url.indexOf('#') + 1) },
  });
  bearer = { authorization: `Bearer ${session.body.accessToken}` };
});

afterAll(async () => {
  await s3?.close();
});

describe('files shared with the customer', () => {
  it('only a file of the project itself may be shared (422 naming attachmentId), and only by delivery (403)', async () => {
    const before = await itemCount(table);
    const foreign = await team('PUT /projects/{id}/portal-files/{attachmentId}', {
      params: { id: ids.a!, attachmentId: ids.other! },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ path: 'attachmentId' })]);
    const rep = await team('PUT /projects/{id}/portal-files/{attachmentId}', {
      as: users.alice,
      params: { id: ids.a!, attachmentId: ids.plan! },
    });
    expect(rep.status).toBe(403);
    expect(await itemCount(table)).toBe(before);
  });

  it('the customer sees and downloads what is shared, nothing else; unshared, it is gone from the portal', async () => {
    const shared = await team('PUT /projects/{id}/portal-files/{attachmentId}', {
      params: { id: ids.a!, attachmentId: ids.plan! },
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(200);
    const seen = await portal('GET /portal/project', { as: null, headers: bearer });
    expect(seen.body.files).toEqual([
      expect.objectContaining({ attachmentId: ids.plan, name: 'rollout-plan.txt' }),
    ]);
    const link = await portal('GET /portal/files/{attachmentId}', {
      as: null,
      headers: bearer,
      params: { attachmentId: ids.plan! },
    });
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect(Buffer.from(await (await fetch(link.body.download.url)).arrayBuffer())).toEqual(plan);
    for (const attachmentId of [ids.internal!, ids.other!]) {
      const refused = await portal('GET /portal/files/{attachmentId}', {
        as: null,
        headers: bearer,
        params: { attachmentId },
      });
      expect(refused.status, attachmentId).toBe(404);
    }
    const unshared = await team('DELETE /projects/{id}/portal-files/{attachmentId}', {
      params: { id: ids.a!, attachmentId: ids.plan! },
    });
    expect(unshared.status).toBe(204);
    const gone = await portal('GET /portal/files/{attachmentId}', {
      as: null,
      headers: bearer,
      params: { attachmentId: ids.plan! },
    });
    expect(gone.status).toBe(404);
    expect((await portal('GET /portal/project', { as: null, headers: bearer })).body.files).toEqual([]);
  });
});
