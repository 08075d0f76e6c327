import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

// The web console (docs/architecture.md, decision 13): the single-page app in web/, built by Vite
// when the stack is synthesized, in a private bucket that only this distribution reads (origin
// access control), served over HTTPS with security headers. Paths without a file extension are
// the app's own routes (/deals/<id> from a digest mail): a viewer-request function sends them to
// index.html, so a missing file is still a 404 and not the app. `config.json` is written at
// deploy time with the API's URL and the sign-in settings, so one build serves every deployment.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = path.join(ROOT, 'web');

/** The viewer-request function's code; the local runtime runs this same text (infra/local/console.ts). */
export const SPA_ROUTING_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/** Runs `vite build` into CDK's bundling folder: no Docker, the repository's own Vite. */
function buildConsole(outputDir: string): boolean {
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--mode',
      'production',
      '--config',
      path.join(WEB_DIR, 'vite.config.ts'),
      '--outDir',
      outputDir,
      '--emptyOutDir',
    ],
    // a production build whoever synthesizes (vitest runs with NODE_ENV=test, which Vite would keep)
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (result.status !== 0)
    throw new Error(`vite build of the console failed:\n${result.stdout}\n${result.stderr}`);
  return true;
}

/** The sign-in settings the console reads from config.json. */
export interface ConsoleSignIn {
  /** The OIDC issuer (discovery), or, for Cognito, the endpoints of its managed login. */
  authority: string;
  clientId: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  /** Cognito's logout endpoint takes client_id and logout_uri. */
  logoutEndpoint?: string;
}

export interface WebConsoleProps {
  /** Origins the console talks to besides itself (the API, the sign-in domain, the files bucket). */
  connectSources: string[];
}

export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  private readonly source: s3deploy.ISource;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // the deployment below removes its files when the stack is deleted, so the bucket can go too
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The console bucket holds only the built app, read by CloudFront alone; requests are visible in CloudFront and the API access log.',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Handoff console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            `connect-src 'self' ${props.connectSources.join(' ')}`,
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });
    const routing = new cloudfront.Function(this, 'SpaRouting', {
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Handoff console: app routes to index.html',
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Handoff console',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    for (const [rule, reason] of [
      [
        'AwsSolutions-CFR1',
        'The console is for a company whose people may travel; its API authenticates every call.',
      ],
      [
        'AwsSolutions-CFR2',
        'The distribution serves static files only; a company that wants AWS WAF attaches a web ACL to it.',
      ],
      [
        'AwsSolutions-CFR3',
        'Access logs of static files add cost without insight; the API keeps an access log of every call.',
      ],
      [
        'AwsSolutions-CFR4',
        'The default cloudfront.net certificate cannot set a minimum TLS version; a company using its own domain sets TLSv1.2_2021 with its certificate.',
      ],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id: rule, reason });
    }

    this.source = s3deploy.Source.asset(WEB_DIR, {
      exclude: ['dist', 'node_modules'],
      bundling: {
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
        command: [
          'sh',
          '-c',
          'echo "the console is built with the local Vite; run cdk with Node 22+" && exit 1',
        ],
        local: { tryBundle: buildConsole },
      },
    });
  }

  /** https://<distribution domain>: where the console is, for links, callbacks and CORS. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Puts the built app and its config.json in the bucket. Hashed assets are cached for a year and
   * kept across deploys (a tab still open on the old index finds its files); index.html and
   * config.json are revalidated on every load and invalidated at CloudFront.
   */
  deploy(config: { apiUrl: string; signIn: ConsoleSignIn; region: string }) {
    new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [this.source],
      destinationBucket: this.bucket,
      exclude: ['index.html'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      memoryLimit: 512,
    });
    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      sources: [this.source, s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      include: ['index.html', 'config.json'],
      exclude: ['*'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 512,
    });
    this.acknowledgeDeploymentProvider();
    return pages;
  }

  /** CDK's bucket deployment provider: one Lambda function CDK writes and keeps, run at deploy time only. */
  private acknowledgeDeploymentProvider() {
    const provider = Stack.of(this)
      .node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))
      .map((c) => c as Construct);
    const reason =
      "CDK's own bucket deployment provider (aws-cdk-lib/aws-s3-deployment) copies the console into its bucket at deploy time; its runtime, basic execution role and S3 grants on the asset and console buckets are CDK's.";
    for (const fn of provider) {
      for (const id of [
        'AwsSolutions-L1',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      ])
        Validations.of(fn).acknowledge({ id, reason });
    }
  }
}
