import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config.js';
import { LINK_SECONDS } from './file-keys.js';

// The files of imports and exports, in the deployment's bucket (keys in file-keys.ts). People
// reach them through short-lived presigned URLs only; the bucket itself is private. Only the
// transfer functions bundle this module (functions/transfer/services.ts), and they load it on
// first use: a request that never touches a file does not pay for the S3 client.

export class FileStore {
  constructor(
    // Presigned PUTs must not carry a checksum of an empty body (the SDK's default since
    // 3.729 computes one when it can): checksums only when S3 requires them.
    private readonly s3 = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }),
    readonly bucket = config.filesBucket(),
  ) {}

  async uploadLink(key: string, now: number): Promise<{ url: string; expiresAt: string }> {
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: 'text/csv' }),
      { expiresIn: LINK_SECONDS },
    );
    return { url, expiresAt: new Date(now + LINK_SECONDS * 1000).toISOString() };
  }

  async downloadLink(
    key: string,
    fileName: string,
    now: number,
  ): Promise<{ url: string; expiresAt: string }> {
    const url = await getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName.replace(/"/g, '')}"`,
      }),
      { expiresIn: LINK_SECONDS },
    );
    return { url, expiresAt: new Date(now + LINK_SECONDS * 1000).toISOString() };
  }

  async size(key: string): Promise<number> {
    const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.ContentLength ?? 0;
  }

  async read(key: string): Promise<Readable> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.Body as Readable;
  }

  async write(key: string, body: string | Buffer): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
      }),
    );
  }
}
