import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, Script } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SPA_ROUTING_CODE } from '../../infra/constructs/web-console.js';
import { ofType, type Resources, type Synthesized, synthesize } from './synthesized.js';

// The web console as the template deploys it: a private bucket only the distribution reads,
// HTTPS with security headers, the app's routes to index.html, config.json written at deploy
// time, Cognito's managed login for it, and the API's CORS and the digest's links naming it.

let synthesized: Synthesized;
let resources: Resources;
const one = (type: string, prefix = '') => ofType(resources, type).find(([id]) => id.startsWith(prefix))!;
const consoleUrl = {
  'Fn::Join': [
    '',
    ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleDistribution'), 'DomainName'] }],
  ],
};

beforeAll(() => {
  synthesized = synthesize();
  resources = synthesized.resources;
}, 120_000);

/** config.json as the deployment writes it: the asset's text with each marker replaced by its value. */
function configJson(r: Resources, outdir: string): Record<string, unknown> {
  const [, pages] = ofType(r, 'Custom::CDKBucketDeployment').find(([id]) => id.startsWith('ConsolePages'))!;
  const markers: Record<string, unknown> = pages.Properties.SourceMarkers[1];
  const key: string = pages.Properties.SourceObjectKeys[1];
  const dir = readdirSync(outdir).find((d) => d === `asset.${key.replace(/\.zip$/, '')}`)!;
  let text = readFileSync(join(outdir, dir, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(markers))
    text = text.split(marker).join(JSON.stringify(value).replace(/"/g, "'"));
  return JSON.parse(text);
}

describe('the web console', () => {
  it('lives in a private, encrypted bucket that only its CloudFront distribution may read (origin access control)', () => {
    const [bucketId, bucket] = one('AWS::S3::Bucket', 'ConsoleSite');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
    const [, policy] = one('AWS::S3::BucketPolicy', 'ConsoleSite');
    const allows = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
    });
    expect(JSON.stringify(allows[0].Condition)).toContain('ConsoleDistribution');
    expect(JSON.stringify(allows[0].Resource)).toContain(bucketId);
    const [, distribution] = one('AWS::CloudFront::Distribution');
    const origin = distribution.Properties.DistributionConfig.Origins[0];
    expect(origin.OriginAccessControlId).toBeDefined();
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('is served over HTTPS only, with security headers and a content security policy naming what it calls', () => {
    const [, distribution] = one('AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const [, headers] = one('AWS::CloudFront::ResponseHeadersPolicy');
    const security = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31_536_000,
      IncludeSubdomains: true,
    });
    const csp = JSON.stringify(security.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const part of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ])
      expect(csp).toContain(part);
    // the API, Cognito's managed login and the files bucket (uploads and downloads)
    expect(csp).toMatch(/connect-src 'self' https:\/\/\*\.execute-api\./);
    expect(csp).toContain('.amazoncognito.com');
    expect(csp).toContain('https://*.s3.');
  });

  it("sends the app's routes to index.html and leaves files alone (the viewer-request function, run)", () => {
    const [, fn] = one('AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toBe(SPA_ROUTING_CODE);
    const handler = new Script(`${fn.Properties.FunctionCode}\n;handler`).runInContext(createContext({}));
    const uri = (path: string) => handler({ request: { uri: path, method: 'GET' } }).uri;
    expect(uri('/deals/deal_01ABC')).toBe('/index.html');
    expect(uri('/projects/prj_1')).toBe('/index.html');
    expect(uri('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(uri('/config.json')).toBe('/config.json');
    const [, distribution] = one('AWS::CloudFront::Distribution');
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations).toEqual([
      expect.objectContaining({ EventType: 'viewer-request' }),
    ]);
  });

  it('is deployed with config.json (the API, the sign-in settings); index.html and config.json revalidated and invalidated', () => {
    const deployments = ofType(resources, 'Custom::CDKBucketDeployment');
    expect(deployments.map(([id]) => id.replace(/CustomResource.*/, '')).sort()).toEqual([
      'ConsoleAssets',
      'ConsolePages',
    ]);
    const [, assets] = deployments.find(([id]) => id.startsWith('ConsoleAssets'))!;
    expect(assets.Properties).toMatchObject({
      Exclude: ['index.html'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    const [, pages] = deployments.find(([id]) => id.startsWith('ConsolePages'))!;
    expect(pages.Properties).toMatchObject({
      Include: ['index.html', 'config.json'],
      Exclude: ['*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    const config = configJson(resources, synthesized.app.outdir) as any;
    expect(Object.keys(config).sort()).toEqual(['apiUrl', 'region', 'signIn']);
    expect(config.apiUrl).toContain('ApiHttpApi');
    expect(Object.keys(config.signIn).sort()).toEqual([
      'authority',
      'authorizationEndpoint',
      'clientId',
      'logoutEndpoint',
      'tokenEndpoint',
    ]);
    expect(config.signIn.tokenEndpoint).toMatch(/amazoncognito\.com\/oauth2\/token$/);
  });

  it("signs in through the user pool's managed login: code flow for a public client, back to the console only", () => {
    const [, domain] = one('AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.Domain).toEqual({ 'Fn::Join': ['', ['handoff-', { Ref: 'AWS::AccountId' }]] });
    const [, client] = one('AWS::Cognito::UserPoolClient');
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(JSON.stringify(client.Properties.CallbackURLs)).toMatch(/ConsoleDistribution.*\/callback/);
    expect(JSON.stringify(client.Properties.LogoutURLs)).toMatch(/ConsoleDistribution.*\/signed-out/);
    synthesize({ authDomainPrefix: 'acme-crm' }).template.hasResourceProperties(
      'AWS::Cognito::UserPoolDomain',
      {
        Domain: 'acme-crm',
      },
    );
  }, 120_000);

  it("opens the API and the files bucket to the console's origin, and the digest's links lead to it", () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [consoleUrl] }),
    });
    const [, files] = one('AWS::S3::Bucket', 'Transfers');
    expect(files.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([
      {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleDistribution/), 'DomainName'] }],
        ],
      },
    ]);
    const withMailer = synthesize({ digestFromEmail: 'digest@example.com' });
    withMailer.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ APP_URL: consoleUrl }) },
    });
    const elsewhere = synthesize({
      digestFromEmail: 'digest@example.com',
      appUrl: 'https://crm.example.com',
    });
    elsewhere.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ APP_URL: 'https://crm.example.com' }) },
    });
  }, 120_000);

  it('with an existing OIDC issuer, signs in there as the first audience (or consoleClientId), by discovery', () => {
    const withIssuer = synthesize({ jwtIssuer: 'https://id.example.com', jwtAudience: 'handoff-api,other' });
    expect(configJson(withIssuer.resources, withIssuer.app.outdir)).toMatchObject({
      signIn: { authority: 'https://id.example.com', clientId: 'handoff-api' },
    });
    const [, headers] = ofType(withIssuer.resources, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    expect(JSON.stringify(headers.Properties)).toContain('https://id.example.com');
    const chosen = synthesize({
      jwtIssuer: 'https://id.example.com',
      jwtAudience: 'handoff-api',
      consoleClientId: 'console-spa',
    });
    expect(configJson(chosen.resources, chosen.app.outdir)).toMatchObject({
      signIn: { clientId: 'console-spa' },
    });
  }, 120_000);

  it('refuses a managed-login domain prefix Cognito would refuse', () => {
    expect(() => synthesize({ authDomainPrefix: 'Acme_CRM' })).toThrow(
      /authDomainPrefix must be 1-63 lower-case/,
    );
    expect(() => synthesize({ authDomainPrefix: 'my-cognito-login' })).toThrow(
      /without aws, amazon or cognito/,
    );
  });
});
