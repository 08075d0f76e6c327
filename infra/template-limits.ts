// The limits a CloudFormation deploy of this stack hits, computed from a synthesized template, for
// the infrastructure tests and the template benchmark. Lambda caps a function's resource-based
// policy at 20 KB; CloudFormation caps a stack at 500 resources and a template at 1 MB. A
// policy is measured as Lambda renders it, each intrinsic replaced by the longest value it can
// take in any account (so a test that passes here passes in every region and account).

type Resource = { Type: string; Properties: Record<string, unknown> };

const LONGEST: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-4',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'H'.repeat(128),
};

/** A template value with every intrinsic replaced by the longest string it can resolve to. */
export function longest(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const v = value as {
    Ref?: string;
    'Fn::Join'?: [string, unknown[]];
    'Fn::Sub'?: string | [string, unknown];
    'Fn::GetAtt'?: unknown;
  };
  if (v.Ref !== undefined) return LONGEST[v.Ref] ?? 'n'.repeat(64);
  if ('Fn::GetAtt' in v)
    return `arn:aws-us-gov:lambda:ap-southeast-4:123456789012:function:${'n'.repeat(64)}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(longest).join(v['Fn::Join'][0]);
  if (v['Fn::Sub'])
    return String(Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'][0] : v['Fn::Sub']).replace(
      /\$\{([^}]+)\}/g,
      (_, name: string) => LONGEST[name] ?? 'n'.repeat(64),
    );
  return JSON.stringify(v);
}

export interface FunctionPolicy {
  /** The function, as the template names it. */
  function: string;
  statements: number;
  bytes: number;
}

/** Each function's resource-based policy, as its AWS::Lambda::Permission resources build it. */
export function functionPolicies(resources: Record<string, Resource>): FunctionPolicy[] {
  const policies = new Map<string, object[]>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Lambda::Permission') continue;
    const p = r.Properties;
    const fn = JSON.stringify(p.FunctionName);
    const statement = {
      // CloudFormation names each statement <stack>-<logical id>-<suffix>
      Sid: `${'H'.repeat(128)}-${id}-${'x'.repeat(12)}`,
      Effect: 'Allow',
      Principal: { Service: p.Principal },
      Action: p.Action,
      Resource: longest(p.FunctionName),
      ...(p.SourceArn ? { Condition: { ArnLike: { 'AWS:SourceArn': longest(p.SourceArn) } } } : {}),
    };
    policies.set(fn, [...(policies.get(fn) ?? []), statement]);
  }
  return [...policies].map(([fn, statements]) => ({
    function: fn,
    statements: statements.length,
    bytes: Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements })),
  }));
}
