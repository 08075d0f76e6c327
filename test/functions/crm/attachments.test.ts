import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectIdForDeal } from '../../../domain/shared/ids.js';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { users } from '../../support/api.js';
import { crmApi, deliveryApi, eventsOf, itemCount, signIn } from '../../support/crm.js';
import { type TestFiles, testFiles } from '../../support/files.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// Attachments against DynamoDB Local and the local S3 with real signature checks: the upload
// link is signed for the file's type and exact size, so the store itself refuses any other file;
// a deal's signed SOW is listed on its project after the handoff; deleting removes the file.

let table: TestTable;
let s3: TestFiles;
let api: ReturnType<typeof crmApi>;
const sow = Buffer.from('%PDF-1.7 statement of work, signed');

beforeAll(async () => {
  s3 = await testFiles();
  table = await testTable({ files: s3.files });
  api = crmApi(table);
  await signIn(api, users.alice, users.bob, users.dana);
});

afterAll(async () => {
  await s3?.close();
});

async function attach(dealId: string, body: Record<string, unknown>) {
  const res = await api('POST /deals/{id}/attachments', { params: { id: dealId }, as: users.alice, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    attachment: { id: string; status: string };
    upload: { url: string; method: string; headers: Record<string, string> };
  };
}

describe('attachments', () => {
  it('a signed SOW: uploaded to its signed link, confirmed, listed, downloaded, and on the project after the win', async () => {
    const { deal, contact } = await dealReadyToWin(table);
    const { attachment, upload } = await attach(deal.id, {
      name: 'SOW signed.pdf',
      contentType: 'application/pdf',
      size: sow.length,
    });
    expect(attachment.status).toBe('pending');
    expect(upload.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(sow.length),
    });
    // pending: not listed, nothing to download, and it cannot be confirmed before the file is there
    expect((await api('GET /deals/{id}/attachments', { params: { id: deal.id } })).body.items).toEqual([]);
    const early = await api('POST /attachments/{id}/complete', {
      params: { id: attachment.id },
      as: users.alice,
    });
    expect(early.status).toBe(409);

    // the store refuses another file than the one signed for: larger, or of another type
    const larger = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: Buffer.concat([sow, Buffer.from(' and 10 MB more')]),
    });
    expect(larger.status).toBe(403);
    expect(await larger.text()).toContain('SignatureDoesNotMatch');
    const otherType = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: sow,
    });
    expect(otherType.status).toBe(403);
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: sow,
    });
    expect(put.status).toBe(200);

    const done = await api('POST /attachments/{id}/complete', {
      params: { id: attachment.id },
      as: users.alice,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'stored', size: sow.length, uploadedBy: users.alice.sub });
    const added = (await eventsOf(table, 'AttachmentAdded')).at(-1)!.detail.data.attachment;
    expect(added).toMatchObject({
      id: attachment.id,
      parent: { kind: 'deal', id: deal.id },
      name: 'SOW signed.pdf',
    });

    const listed = await api('GET /deals/{id}/attachments', { params: { id: deal.id }, as: users.dana });
    expect(
      listed.body.items.map((a: { name: string; contentType: string }) => [a.name, a.contentType]),
    ).toEqual([['SOW signed.pdf', 'application/pdf']]);
    const read = await api('GET /attachments/{id}', { params: { id: attachment.id }, as: users.dana });
    const file = await fetch(read.body.download.url);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(sow);
    expect(file.headers.get('content-disposition')).toContain('SOW signed.pdf');

    // won: the SOW follows the deal into delivery
    const won = await api('POST /deals/{id}/won', {
      as: users.alice,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id) },
    });
    expect(won.status).toBe(200);
    const win = (await eventsOf(table, 'DealClosedWon')).find((e) => e.detail.data.deal.id === deal.id)!;
    expect(await handOff(table.services, asDelivered(win), () => undefined)).toBe('created');
    const onProject = await deliveryApi(table)('GET /projects/{id}/attachments', {
      params: { id: projectIdForDeal(deal.id) },
      as: users.dana,
    });
    expect(onProject.status).toBe(200);
    expect(onProject.body.items.map((a: { id: string }) => a.id)).toEqual([attachment.id]);
  });

  it('is deleted by its uploader or a manager, file and all; not by someone else', async () => {
    const { deal } = await dealReadyToWin(table);
    const { attachment, upload } = await attach(deal.id, {
      name: 'notes.txt',
      contentType: 'text/plain',
      size: 5,
    });
    await fetch(upload.url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    await api('POST /attachments/{id}/complete', { params: { id: attachment.id }, as: users.alice });
    const link = (await api('GET /attachments/{id}', { params: { id: attachment.id } })).body.download.url;
    const bySomeoneElse = await api('DELETE /attachments/{id}', {
      params: { id: attachment.id },
      as: users.bob,
    });
    expect(bySomeoneElse.status).toBe(403);
    const removed = await api('DELETE /attachments/{id}', {
      params: { id: attachment.id },
      as: users.manager,
    });
    expect(removed.status).toBe(204);
    expect((await fetch(link)).status).toBe(404);
    expect((await api('GET /attachments/{id}', { params: { id: attachment.id } })).status).toBe(404);
    expect((await api('GET /deals/{id}/attachments', { params: { id: deal.id } })).body.items).toEqual([]);
    expect((await eventsOf(table, 'AttachmentDeleted')).at(-1)!.detail.data).toMatchObject({
      attachment: { id: attachment.id },
      deletedBy: users.manager.sub,
    });
  });

  it('refuses a file too large, of a refused type or for a record that does not exist, writing nothing', async () => {
    const { deal } = await dealReadyToWin(table);
    const before = await itemCount(table);
    const refused = async (path: string, params: { id: string }, body: Record<string, unknown>) =>
      api(path, { params, as: users.alice, body });
    const big = await refused(
      'POST /deals/{id}/attachments',
      { id: deal.id },
      {
        name: 'huge.pdf',
        contentType: 'application/pdf',
        size: 26 * 1024 * 1024,
      },
    );
    expect(big.status).toBe(422);
    expect(big.body.errors[0].path).toBe('size');
    const exe = await refused(
      'POST /deals/{id}/attachments',
      { id: deal.id },
      {
        name: 'setup.exe',
        contentType: 'application/x-msdownload',
        size: 10,
      },
    );
    expect(exe.status).toBe(422);
    expect(exe.body.errors[0].path).toBe('contentType');
    const slash = await refused(
      'POST /deals/{id}/attachments',
      { id: deal.id },
      {
        name: '../etc/passwd',
        contentType: 'text/plain',
        size: 10,
      },
    );
    expect(slash.status).toBe(422);
    const missing = await refused(
      'POST /contacts/{id}/attachments',
      { id: 'ct_01NOPE0000000000000000000' },
      {
        name: 'a.pdf',
        contentType: 'application/pdf',
        size: 10,
      },
    );
    expect(missing.status).toBe(404);
    expect(await itemCount(table)).toBe(before);
  });

  it.each([
    ['contacts', 'contact'],
    ['companies', 'company'],
  ] as const)(
    'of a merged %s: listing and attaching answer 410 naming the survivor, writing nothing',
    async (path, kind) => {
      const body =
        kind === 'contact' ? { firstName: 'Ada', lastName: 'Byron' } : { name: 'Analytical Engines' };
      const survivor = (await api(`POST /${path}`, { body })).body;
      const duplicate = (await api(`POST /${path}`, { body })).body;
      const merged = await api(`POST /${path}/{id}/merge`, {
        params: { id: survivor.id },
        body: { duplicateId: duplicate.id },
        as: users.manager,
      });
      expect(merged.status, JSON.stringify(merged.body)).toBe(200);
      const before = await itemCount(table);
      const listed = await api(`GET /${path}/{id}/attachments`, { params: { id: duplicate.id } });
      expect(listed.status).toBe(410);
      expect(listed.body).toMatchObject({ type: '/problems/gone', mergedInto: survivor.id });
      const attached = await api(`POST /${path}/{id}/attachments`, {
        params: { id: duplicate.id },
        as: users.alice,
        body: { name: 'notes.pdf', contentType: 'application/pdf', size: 10 },
      });
      expect(attached.status).toBe(410);
      expect(attached.body).toMatchObject({ type: '/problems/gone', mergedInto: survivor.id });
      expect(await itemCount(table)).toBe(before);
    },
  );
});
