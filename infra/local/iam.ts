import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_CREDENTIALS } from './dynamodb-local.js';
import { LOCAL_ACCOUNT, type LocalApp, type LocalFunction, type LocalRole } from './template.js';

// IAM, locally: every function runs with credentials of its own (an access key that names its
// execution role), and the local services ask this module whether the caller may do what it
// asks, evaluating the role's policies from the synthesized template (and the bucket's policy,
// for S3) as IAM would: actions and resources with their wildcards, Allow and Deny, conditions.
// The evaluation is @cloud-copilot/iam-simulate's (a maintained IAM simulator: identity and
// resource policies, every condition operator, actions checked against AWS's catalog; licensed
// AGPL-3.0, a devDependency of this runtime only, never bundled into a function); this module
// only says who is calling, what a request amounts to in IAM's terms and what AWS answers on a
// refusal.
// Decisions are kept per request shape: the template does not change while the runtime runs.
//
// Who is who: a function's access key is `LOCAL<its logical id>`; anything else signed is the
// account's administrator (the CLIs, the tests, a developer's own `aws` command), allowed all;
// an unsigned request is anonymous (S3 answers it; the other services require a signature).
// Not evaluated (docs/operations.md, "What runs differently locally"): SCPs, RCPs, session
// policies and permission boundaries (the stack has none); the resource policies of queues,
// functions and buses (the identity policy decides for a caller of the same account, as in AWS);
// AWS-managed policies (their text is not in the template: only the bucket deployment's role has
// one, and that function does not run locally); signatures of header-signed requests.

/** Who a request comes from. */
export type Caller =
  | { kind: 'admin' }
  | { kind: 'anonymous' }
  /** An AWS service acting on its own (SES storing a message it received): resource policies decide. */
  | { kind: 'service'; principal: string }
  | {
      kind: 'role';
      role: LocalRole;
      /** The session's ARN, as AWS names the caller in its refusals. */
      arn: string;
      /** The function this role runs (none for a service's role, e.g. Scheduler's). */
      functionId?: string;
    };

export interface AccessRequest {
  action: string;
  resource: string;
  /** Condition keys the request carries (aws:SecureTransport is always given: see below). */
  context?: Record<string, string | string[]>;
  /** The resource's own policy, when the service has one to evaluate (S3's bucket policy). */
  resourcePolicy?: unknown;
}

/** A refusal, worded as AWS words it. */
export class AccessDenied extends Error {
  constructor(
    readonly caller: Caller,
    readonly action: string,
    readonly resource: string,
    readonly why: 'implicit' | 'identity-deny' | 'resource-deny',
  ) {
    super(
      caller.kind === 'role'
        ? `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${
            why === 'implicit'
              ? `because no identity-based policy allows the ${action} action`
              : why === 'identity-deny'
                ? 'with an explicit deny in an identity-based policy'
                : 'with an explicit deny in a resource-based policy'
          }`
        : 'Access Denied',
    );
    this.name = 'AccessDenied';
  }
}

const ADMIN: Caller = { kind: 'admin' };
const ANONYMOUS: Caller = { kind: 'anonymous' };
/** The condition keys given with every request; a policy's other keys are warned about at start. */
const GIVEN_KEYS = [
  'aws:securetransport',
  'aws:principalarn',
  'aws:principalaccount',
  'aws:userid',
  // given by the local SES receiving (infra/local/smtp.ts), as SES gives it
  'aws:sourceaccount',
];

// letters and digits only: DynamoDB Local refuses any other access key id
export const functionAccessKey = (fn: Pick<LocalFunction, 'logicalId'>) => `LOCAL${fn.logicalId}`;

/** The access key id a SigV4 request is signed with: its Authorization header's, or a presigned URL's. */
export function accessKeyOf(headers: IncomingHttpHeaders, query?: URLSearchParams): string | undefined {
  const authorization = String(headers.authorization ?? '');
  const fromHeader = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
  if (fromHeader) return fromHeader;
  return query?.get('X-Amz-Credential')?.split('/')[0] || undefined;
}

export class LocalIam {
  private readonly byKey = new Map<string, Extract<Caller, { kind: 'role' }>>();
  private readonly decisions = new Map<string, Promise<AccessDenied | undefined>>();
  private readonly settled = new Map<string, AccessDenied | undefined>();

  constructor(
    private readonly app: LocalApp,
    /** Whether to evaluate at all (false: every caller is the administrator, as before). */
    readonly enforced = true,
  ) {
    for (const fn of app.functions.values()) {
      const role = fn.roleId ? app.roles.get(fn.roleId) : undefined;
      if (!role) continue;
      // Lambda's session is named after the function
      const arn = `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.name}/${fn.logicalId}`;
      this.byKey.set(functionAccessKey(fn), { kind: 'role', role, arn, functionId: fn.logicalId });
    }
  }

  /** The credentials a function's environment gets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
  credentials(fn: LocalFunction): { accessKeyId: string; secretAccessKey: string } {
    if (!this.enforced || !this.byKey.has(functionAccessKey(fn))) return LOCAL_CREDENTIALS;
    const accessKeyId = functionAccessKey(fn);
    return { accessKeyId, secretAccessKey: this.secretOf(accessKeyId)! };
  }

  /** The secret behind an access key this runtime gave out (to check a presigned URL), if any. */
  secretOf(accessKeyId: string): string | undefined {
    if (accessKeyId === LOCAL_CREDENTIALS.accessKeyId) return LOCAL_CREDENTIALS.secretAccessKey;
    if (!this.byKey.has(accessKeyId)) return undefined;
    // derived, not random: a link signed before a restart still verifies after it, as in S3
    return createHmac('sha256', 'handoff-local').update(accessKeyId).digest('hex').slice(0, 40);
  }

  /** Who signed with this access key (undefined: unsigned). */
  callerOfKey(accessKeyId: string | undefined): Caller {
    if (accessKeyId === undefined) return ANONYMOUS;
    if (!this.enforced) return ADMIN;
    return this.byKey.get(accessKeyId) ?? ADMIN;
  }

  /** Who sent this request, from its SigV4 signature (header or query). */
  callerOf(headers: IncomingHttpHeaders, query?: URLSearchParams): Caller {
    return this.callerOfKey(accessKeyOf(headers, query));
  }

  /** A role acting for a service (Lambda's destinations, a stream mapping, Scheduler). */
  roleCaller(roleId: string | undefined, session: string): Caller {
    const role = roleId ? this.app.roles.get(roleId) : undefined;
    if (!this.enforced || !role) return ADMIN;
    return { kind: 'role', role, arn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${role.name}/${session}` };
  }

  /** Undefined when every request is allowed; the first refusal otherwise. */
  async authorize(caller: Caller, requests: AccessRequest[]): Promise<AccessDenied | undefined> {
    if (caller.kind === 'admin') return undefined;
    for (const request of requests) {
      const denied = await this.decide(caller, request);
      if (denied) return denied;
    }
    return undefined;
  }

  /**
   * A decision made earlier (by `authorize` or `prepare`), for the services whose work is not
   * asynchronous (Scheduler's invocations); undefined for an allowed request.
   */
  decided(caller: Caller, request: AccessRequest): AccessDenied | undefined {
    if (caller.kind === 'admin') return undefined;
    const key = this.keyOf(caller, request);
    if (!this.settled.has(key))
      throw new Error(`IAM decision not prepared: ${request.action} on ${request.resource}`);
    return this.settled.get(key);
  }

  /** Decides these ahead, so `decided` can answer them synchronously. */
  async prepare(pairs: [Caller, AccessRequest][]): Promise<void> {
    await Promise.all(pairs.map(([caller, request]) => this.authorize(caller, [request])));
  }

  /** Condition keys the roles' and buckets' policies use that no request gives a value for. */
  unevaluatedConditionKeys(): string[] {
    const keys = new Set<string>();
    const visit = (document: any) => {
      for (const statement of [document?.Statement ?? []].flat())
        for (const operator of Object.values<Record<string, unknown>>(statement.Condition ?? {}))
          for (const key of Object.keys(operator)) keys.add(key);
    };
    for (const role of this.app.roles.values()) for (const p of role.policies) visit(p.document);
    for (const bucket of this.app.buckets) visit(bucket.policy);
    const given = (key: string) =>
      GIVEN_KEYS.includes(key.toLowerCase()) ||
      /^(s3:prefix|events:source|events:detail-type)$/i.test(key) ||
      // the console bucket's policy names CloudFront's distribution: that caller is never local
      key.toLowerCase() === 'aws:sourcearn';
    return [...keys].filter((k) => !given(k)).sort();
  }

  private keyOf(caller: Caller, request: AccessRequest): string {
    return JSON.stringify([
      caller.kind === 'role' ? caller.arn : caller.kind === 'service' ? caller.principal : caller.kind,
      request.action,
      request.resource,
      request.context ?? {},
      request.resourcePolicy ? request.resource.split('/')[0] : '',
    ]);
  }

  private decide(caller: Caller, request: AccessRequest): Promise<AccessDenied | undefined> {
    const key = this.keyOf(caller, request);
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.evaluate(caller, request).then((d) => {
        this.settled.set(key, d);
        return d;
      });
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private async evaluate(caller: Caller, request: AccessRequest): Promise<AccessDenied | undefined> {
    const role = caller.kind === 'role' ? caller.role : undefined;
    const simulation: Simulation = {
      request: {
        principal: role
          ? (caller as { arn: string }).arn
          : caller.kind === 'service'
            ? caller.principal
            : anonymousPrincipal,
        action: request.action,
        resource: { resource: request.resource, accountId: LOCAL_ACCOUNT },
        contextVariables: {
          // the loopback stands for the TLS every AWS endpoint requires (the bucket policies deny
          // anything else): the SDK's requests and presigned URLs are HTTPS in AWS
          'aws:SecureTransport': 'true',
          ...(role ? { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': LOCAL_ACCOUNT } : {}),
          ...request.context,
        },
      },
      identityPolicies: role?.policies.map((p) => ({ name: p.name, policy: p.document })) ?? [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    };
    const outcome = await runSimulation(simulation, {});
    if (outcome.resultType === 'error')
      throw new Error(
        `IAM could not evaluate ${request.action} on ${request.resource}: ${JSON.stringify(outcome.errors)}`,
      );
    if (outcome.overallResult === 'Allowed') return undefined;
    const analysis = outcome.resultType === 'single' ? outcome.result.analysis : outcome.results[0]?.analysis;
    const why =
      outcome.overallResult !== 'ExplicitlyDenied'
        ? 'implicit'
        : analysis?.identityAnalysis?.result === 'ExplicitlyDenied'
          ? 'identity-deny'
          : 'resource-deny';
    return new AccessDenied(caller, request.action, request.resource, why);
  }
}
