import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { writeFileSafely } from './durable.js';
import { LOCAL_CREDENTIALS } from './dynamodb-local.js';
import { type AccessRequest, accessKeyOf, type Caller, type LocalIam } from './iam.js';
import type { Logger } from './log.js';
import { LOCAL_REGION, type LocalBucket } from './template.js';

// Amazon S3, locally, as much of it as Handoff uses: path-style PutObject, GetObject,
// HeadObject and DeleteObject (the SDK reaches it through AWS_ENDPOINT_URL_S3; presigned URLs point here too),
// a presigned URL's signature (computed again with the SDK's own presigner, from the request as
// it arrives, with the local credentials: an edited link is a 403 SignatureDoesNotMatch, as in
// S3), its expiry, and the checksum it carries (a body whose CRC32 is not the one signed), the
// template's CORS rules, and, for buckets that send them, "Object Created" events to the
// default event bus. Objects live under .local/s3/. Every request is authorized as S3 does
// (infra/local/iam.ts): a presigned URL as the one who signed it, a request signed in headers as
// its signer (the signature itself is not checked), an unsigned one as anonymous; each against
// the signer's policies and the bucket's policy. A private bucket refuses the anonymous (403
// AccessDenied), and a missing object is a 404 only to a caller allowed s3:ListBucket (403 to
// the others, who may not learn what the bucket holds).
// Written by hand: the one S3 emulator on npm (s3rver) has not been kept up since 2021, and
// these operations are all the runtime needs.

interface Meta {
  contentType: string;
  etag: string;
  size: number;
  lastModified: string;
}

export type EmitEvent = (entry: {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources: string[];
}) => void;

/** S3's error document (none for a HEAD, which has no body: its status says it). */
const xmlError = (res: ServerResponse, status: number, code: string, message: string, head = false) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    head
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
  );
};

export class LocalS3 {
  private readonly buckets: Map<string, LocalBucket>;

  constructor(
    private readonly dir: string,
    buckets: LocalBucket[],
    private readonly emit: EmitEvent,
    private readonly log: Logger,
    /** Who may do what (none: every signed request is allowed, the unsigned too, as before). */
    private readonly iam?: LocalIam,
  ) {
    this.buckets = new Map(buckets.map((b) => [b.name, b]));
  }

  private readonly presigners = new Map<string, S3RequestPresigner>();

  /** The presigner of the one who holds this access key, to sign the request again; none: unknown key. */
  private presigner(accessKeyId: string): S3RequestPresigner | undefined {
    const secretAccessKey = this.iam
      ? this.iam.secretOf(accessKeyId)
      : accessKeyId === LOCAL_CREDENTIALS.accessKeyId
        ? LOCAL_CREDENTIALS.secretAccessKey
        : undefined;
    if (!secretAccessKey) return undefined;
    let presigner = this.presigners.get(accessKeyId);
    if (!presigner) {
      presigner = new S3RequestPresigner({
        ...new S3Client({ region: LOCAL_REGION, credentials: { accessKeyId, secretAccessKey } }).config,
      });
      this.presigners.set(accessKeyId, presigner);
    }
    return presigner;
  }

  /** Why IAM refuses the caller this request, as S3 answers it; undefined when it is allowed. */
  private async denied(caller: Caller, bucket: LocalBucket, request: AccessRequest) {
    if (!this.iam) return undefined;
    return this.iam.authorize(caller, [{ ...request, resourcePolicy: bucket.policy }]);
  }

  /** Why S3 would refuse this presigned request, or undefined when it would take it. */
  private async presignedRefusal(
    req: IncomingMessage,
    url: URL,
  ): Promise<[number, string, string] | undefined> {
    const p = url.searchParams;
    const signature = p.get('X-Amz-Signature');
    if (!signature) return undefined;
    const signedAt = p.get('X-Amz-Date') ?? '';
    const expires = Number(p.get('X-Amz-Expires'));
    const at = Date.parse(
      signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    if (Number.isNaN(at) || !Number.isInteger(expires) || expires < 1 || expires > 604_800)
      return [
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Date and X-Amz-Expires (1 to 604800) are required',
      ];
    const [accessKey = '', , region] = String(p.get('X-Amz-Credential')).split('/');
    const presigner = this.presigner(accessKey);
    if (!presigner || region !== LOCAL_REGION)
      return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
    const query: Record<string, string> = {};
    for (const [k, v] of p)
      if (!/^X-Amz-(Algorithm|Credential|Date|Expires|SignedHeaders|Signature)$/.test(k)) query[k] = v;
    const signedHeaders = String(p.get('X-Amz-SignedHeaders') ?? 'host').split(';');
    const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(req.headers[h] ?? '')]));
    const expected = await presigner.presign(
      {
        method: req.method ?? 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        path: url.pathname,
        query,
        headers,
      },
      // every header the link signed is signed again (content-length is unsignable by default)
      { signingDate: new Date(at), expiresIn: expires, signableHeaders: new Set(signedHeaders) },
    );
    if (expected.query?.['X-Amz-Signature'] !== signature)
      return [
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ];
    if (Date.now() > at + expires * 1000) return [403, 'AccessDenied', 'Request has expired'];
    return undefined;
  }

  private file(bucket: string, key: string): string {
    return join(this.dir, bucket, ...key.split('/').map((part) => encodeURIComponent(part)));
  }

  private cors(req: IncomingMessage, bucket: LocalBucket): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin) return {};
    const rule = bucket.cors.find((r) => r.AllowedOrigins.includes('*') || r.AllowedOrigins.includes(origin));
    if (!rule) return {};
    return {
      'access-control-allow-origin': rule.AllowedOrigins.includes('*') ? '*' : origin,
      'access-control-allow-methods': rule.AllowedMethods.join(', '),
      'access-control-allow-headers': (rule.AllowedHeaders ?? ['*']).join(', '),
      'access-control-expose-headers': 'etag',
    };
  }

  /** Keeps an object (and says so to EventBridge, for a bucket that sends its events). */
  private store(bucket: LocalBucket, key: string, body: Buffer, contentType: string): Meta {
    const file = this.file(bucket.name, key);
    const meta: Meta = {
      contentType,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      size: body.length,
      lastModified: new Date().toUTCString(),
    };
    writeFileSafely(`${file}.meta.json`, JSON.stringify(meta));
    writeFileSync(file, body);
    this.log.info(`s3://${bucket.name}/${key}: ${body.length} bytes stored`);
    if (bucket.eventBridge) {
      this.emit({
        Source: 'aws.s3',
        DetailType: 'Object Created',
        Resources: [`arn:aws:s3:::${bucket.name}`],
        Detail: JSON.stringify({
          version: '0',
          bucket: { name: bucket.name },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/'),
            size: body.length,
            etag: meta.etag.slice(1, -1),
            sequencer: Date.now().toString(16),
          },
          'request-id': randomUUID(),
          requester: '000000000000',
          'source-ip-address': '127.0.0.1',
          reason: 'PutObject',
        }),
      });
    }
    return meta;
  }

  /**
   * A PutObject by an AWS service on its own behalf (SES's S3 action): the bucket's policy alone
   * decides, with the condition keys the service sets. Throws the refusal, worded as AWS's.
   */
  async putAsService(
    bucketName: string,
    key: string,
    body: Buffer,
    contentType: string,
    caller: Extract<Caller, { kind: 'service' }>,
    context: Record<string, string>,
  ): Promise<void> {
    const bucket = this.buckets.get(bucketName);
    if (!bucket) throw new Error(`the bucket ${bucketName} does not exist`);
    const denied = this.iam?.enforced
      ? await this.denied(caller, bucket, {
          action: 's3:PutObject',
          resource: `arn:aws:s3:::${bucket.name}/${key}`,
          context,
        })
      : undefined;
    if (denied) throw denied;
    this.store(bucket, key, body, contentType);
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucketName = '', ...rest] = url.pathname.split('/');
    const key = rest.map((p) => decodeURIComponent(p)).join('/');
    const bucket = this.buckets.get(bucketName);
    if (!bucket) return xmlError(res, 404, 'NoSuchBucket', `the bucket ${bucketName} does not exist`);
    const cors = this.cors(req, bucket);
    if (req.method === 'OPTIONS') {
      res.writeHead(cors['access-control-allow-origin'] ? 200 : 403, cors);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    // a presigned URL: refused when edited, forged or expired, like S3
    const refusal = await this.presignedRefusal(req, url);
    if (refusal) return xmlError(res, ...refusal);
    const signedCrc =
      url.searchParams.get('x-amz-checksum-crc32') ?? (req.headers['x-amz-checksum-crc32'] as string);
    if (req.method === 'PUT' && signedCrc) {
      const actual = Buffer.alloc(4);
      actual.writeUInt32BE(crc32(body) >>> 0);
      if (actual.toString('base64') !== signedCrc) {
        return xmlError(
          res,
          400,
          'BadDigest',
          `The CRC32 you specified did not match the calculated checksum.`,
        );
      }
    }

    // IAM: the signer's policies and the bucket's, for this object
    const caller: Caller = this.iam?.callerOfKey(accessKeyOf(req.headers, url.searchParams)) ?? {
      kind: 'admin',
    };
    const objectArn = `arn:aws:s3:::${bucket.name}/${key}`;
    const action =
      req.method === 'PUT'
        ? 's3:PutObject'
        : req.method === 'DELETE'
          ? 's3:DeleteObject'
          : req.method === 'GET' || req.method === 'HEAD'
            ? 's3:GetObject'
            : undefined;
    if (action) {
      const denied = await this.denied(caller, bucket, { action, resource: objectArn });
      if (denied) return xmlError(res, 403, 'AccessDenied', denied.message, req.method === 'HEAD');
    }

    const file = this.file(bucket.name, key);
    if (req.method === 'PUT') {
      const meta = this.store(
        bucket,
        key,
        body,
        String(req.headers['content-type'] ?? 'binary/octet-stream'),
      );
      res.writeHead(200, { etag: meta.etag, ...cors });
      res.end();
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!existsSync(file)) {
        // S3 says an object is missing only to whom may list the bucket
        const unlisted = await this.denied(caller, bucket, {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${bucket.name}`,
          context: { 's3:prefix': key },
        });
        if (unlisted) return xmlError(res, 403, 'AccessDenied', unlisted.message, req.method === 'HEAD');
        return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.', req.method === 'HEAD');
      }
      const meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8')) as Meta;
      const disposition = url.searchParams.get('response-content-disposition');
      res.writeHead(200, {
        'content-type': meta.contentType,
        'content-length': String(meta.size),
        etag: meta.etag,
        'last-modified': meta.lastModified,
        ...(disposition ? { 'content-disposition': disposition } : {}),
        ...cors,
      });
      res.end(req.method === 'GET' ? readFileSync(file) : undefined);
      return;
    }
    if (req.method === 'DELETE') {
      // S3 answers 204 whether or not the key existed
      rmSync(file, { force: true });
      rmSync(`${file}.meta.json`, { force: true });
      res.writeHead(204, cors);
      res.end();
      this.log.info(`s3://${bucket.name}/${key}: deleted`);
      return;
    }
    xmlError(res, 405, 'MethodNotAllowed', `the local S3 does not do ${req.method}`);
  };
}
