import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { FileStore } from '../../functions/lib/files/file-store.js';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.js';
import { LocalS3 } from '../../infra/local/s3.js';

// The local runtime's S3 (infra/local/s3.ts) on a free loopback port with one bucket, for the
// tests of imports and exports: presigned links, uploads and downloads go through it for real.
// The "Object Created" events it would send to the bus are kept in `events`.

export interface TestFiles {
  files: FileStore;
  endpoint: string;
  events: { key: string }[];
  close(): Promise<void>;
}

export async function testFiles(bucket = 'handoff-test-files'): Promise<TestFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-s3-'));
  const events: { key: string }[] = [];
  const s3 = new LocalS3(
    dir,
    [{ logicalId: 'Files', name: bucket, eventBridge: true, cors: [] }],
    (entry) => events.push({ key: JSON.parse(entry.Detail).object.key }),
    { info: () => undefined, invocation: () => undefined, functionOutput: () => undefined },
  );
  const server: Server = createServer((req, res) => void s3.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  return {
    files: new FileStore(client, bucket),
    endpoint,
    events,
    close: async () => {
      client.destroy();
      await new Promise((r) => server.close(() => r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
