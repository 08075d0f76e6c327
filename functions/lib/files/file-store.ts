import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config.js';
import { LINK_SECONDS } from './file-keys.js';

// The files of imports, exports and attachments, in the deployment's bucket (keys in
// file-keys.ts). People reach them through short-lived presigned URLs only; the bucket itself is
// private. Functions load this module on first use: a request that never touches a file does
// not pay for the S3 client.

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

  /**
   * A link that takes exactly this file: its type and length are signed headers, so S3 refuses a
   * PUT with another type or another size (403 SignatureDoesNotMatch), whatever the API said.
   */
  async signedUploadLink(
    key: string,
    file: { contentType: string; size: number },
    now: number,
  ): Promise<{ url: string; expiresAt: string; headers: Record<string, string> }> {
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: file.contentType,
        ContentLength: file.size,
      }),
      { expiresIn: LINK_SECONDS, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    return {
      url,
      expiresAt: new Date(now + LINK_SECONDS * 1000).toISOString(),
      headers: { 'content-type': file.contentType, 'content-length': String(file.size) },
    };
  }

  /** The stored object's size, or undefined when there is none. */
  async storedSize(key: string): Promise<number | undefined> {
    try {
      return await this.size(key);
    } catch (error) {
      if (
        (error as { name?: string }).name === 'NotFound' ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      )
        return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
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

  /** The whole object, in memory (a captured email: at most 40 MB). */
  async readBytes(key: string): Promise<Buffer> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  /** A file of any type (an email's attachment), written whole. */
  async writeFile(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
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
