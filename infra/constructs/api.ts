import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROLES } from '../../domain/shared/context.js';
import { isPortalRoute, type Routes } from '../../functions/lib/http/route.js';

// The HTTP API (docs/architecture.md, decision 9): API Gateway HTTP API, payload v2, a JWT authorizer on
// every route but the open ones, from a Cognito user pool the stack makes (groups = roles) or an
// existing issuer. Routes come from the functions' own route tables, so the gateway and the
// code always agree on what exists.

export interface HandoffApiProps {
  functions: { fn: lambda.IFunction; routes: Routes }[];
  jwt?: { issuer: string; audience: string[] };
  corsOrigins: string[];
  throttle: { rateLimit: number; burstLimit: number };
  logRetentionDays: number;
  /** The web console: its origin may call the API, and signs in through the pool's managed login. */
  console: { url: string; authDomainPrefix: string };
}

export class HandoffApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly userPoolDomain?: cognito.UserPoolDomain;
  readonly issuer: string;
  readonly audience: string[];

  constructor(scope: Construct, id: string, props: HandoffApiProps) {
    super(scope, id);
    if (props.jwt) {
      this.issuer = props.jwt.issuer;
      this.audience = props.jwt.audience;
    } else {
      const pool = this.makeUserPool(props.console);
      this.userPool = pool.userPool;
      this.userPoolClient = pool.client;
      this.userPoolDomain = pool.domain;
      this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPool.userPoolId}`;
      this.audience = [pool.client.userPoolClientId];
    }
    const authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, {
      jwtAudience: this.audience,
      identitySource: ['$request.header.Authorization'],
    });

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Handoff: CRM and delivery',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.console.url, ...props.corsOrigins],
        allowMethods: [apigw.CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-correlation-id'],
        exposeHeaders: ['etag', 'idempotent-replayed', 'location', 'retry-after'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            sub: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    for (const [i, { fn, routes }] of props.functions.entries()) {
      // One invoke permission per function for the whole API, not one per route: Lambda caps a
      // function's resource-based policy at 20 KB, which 55 route-scoped statements exceed.
      const integration = new HttpLambdaIntegration(`Integration${i}`, fn, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        scopePermissionToRoute: false,
      });
      for (const [routeKey, route] of Object.entries(routes)) {
        const [method, path] = routeKey.split(' ') as [string, string];
        const isPublic = route.roles === 'public';
        // the customer portal's routes are not behind the authorizer: a customer has no sign-in;
        // the portal function checks the link's token or the portal session on every request
        // (docs/architecture.md, decision 18)
        const isPortal = isPortalRoute(route);
        const httpRoute = new apigw.HttpRoute(this, `Route ${routeKey}`, {
          httpApi: this.httpApi,
          routeKey: apigw.HttpRouteKey.with(path, method as apigw.HttpMethod),
          integration,
          ...(isPublic || isPortal ? {} : { authorizer }),
        });
        if (isPublic || isPortal) {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: isPortal
              ? `${routeKey} is the customer portal's: no sign-in, the function checks the portal link's token or session itself on every request (constant-time, throttled per source).`
              : `${routeKey} is open by design: a health check and the public API description carry no data.`,
          });
        }
      }
    }
  }

  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  private makeUserPool(console: HandoffApiProps['console']) {
    const userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG3',
      reason:
        'Threat protection (advanced security) needs the Plus feature plan; a company that wants it enables it on its pool.',
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan is a per-user cost a company chooses for itself; Essentials covers MFA and groups.',
    });
    for (const role of ROLES) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: userPool.userPoolId,
        groupName: role,
        description: `Handoff role ${role}`,
      });
    }
    // The console signs in with the authorization code flow and PKCE on the pool's managed login
    // (a public client: no secret in a browser); the SRP flow stays for scripts and the CLI.
    const domain = userPool.addDomain('SignIn', {
      cognitoDomain: { domainPrefix: console.authDomainPrefix },
    });
    const client = userPool.addClient('Client', {
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${console.url}/callback`],
        logoutUrls: [`${console.url}/signed-out`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    return { userPool, client, domain };
  }
}
