import { spawnSync } from 'node:child_process';
import { RegoEngine, TemplateFile } from '@aws/cloudformation-validate';
import { beforeAll, describe, expect, it } from 'vitest';
import { ofType, type Synthesized, synthesize } from './synthesized.js';

// What a first `cdk deploy` would hit, checked on the real synthesized templates (the stack's
// and its nested stack's), with headroom: Lambda's 20 KB resource-based policy per function,
// CloudFormation's 500 resources per stack and 1 MB per template, and a CloudFormation
// validator (AWS's own, offline) with 0 errors. cfn-lint runs too where it is installed.

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize({}, { bundle: true });
}, 120_000);

// The longest value each intrinsic can take in an account: a policy's size is measured on them.
const LONGEST: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-4',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'H'.repeat(128),
};

/** A template value with every intrinsic replaced by the longest string it can resolve to. */
function longest(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const v = value as Record<string, any>;
  if ('Ref' in v) return LONGEST[v.Ref] ?? 'n'.repeat(64);
  if ('Fn::GetAtt' in v)
    return `arn:aws-us-gov:lambda:ap-southeast-4:123456789012:function:${'n'.repeat(64)}`;
  if ('Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(longest).join(v['Fn::Join'][0]);
  if ('Fn::Sub' in v)
    return String(Array.isArray(v['Fn::Sub']) ? v['Fn::Sub'][0] : v['Fn::Sub']).replace(
      /\$\{([^}]+)\}/g,
      (_, name: string) => LONGEST[name] ?? 'n'.repeat(64),
    );
  return JSON.stringify(v);
}

describe('the limits a deploy hits', () => {
  it("every function's resource-based policy stays under 15 KB (Lambda refuses a deploy past 20 KB)", () => {
    const policies = new Map<string, object[]>();
    for (const [id, p] of ofType(synthesized.resources, 'AWS::Lambda::Permission')) {
      const fn = JSON.stringify(p.Properties.FunctionName);
      const statement = {
        // CloudFormation names each statement <stack>-<logical id>-<suffix>
        Sid: `${'H'.repeat(128)}-${id}-${'x'.repeat(12)}`,
        Effect: 'Allow',
        Principal: { Service: p.Properties.Principal },
        Action: p.Properties.Action,
        Resource: longest(p.Properties.FunctionName),
        ...(p.Properties.SourceArn
          ? { Condition: { ArnLike: { 'AWS:SourceArn': longest(p.Properties.SourceArn) } } }
          : {}),
      };
      policies.set(fn, [...(policies.get(fn) ?? []), statement]);
    }
    expect(policies.size).toBeGreaterThan(0);
    const sizes = [...policies].map(([fn, statements]) => ({
      fn,
      statements: statements.length,
      bytes: Buffer.byteLength(
        JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
      ),
    }));
    for (const s of sizes) expect(s.bytes, `${s.fn}: ${s.statements} statements`).toBeLessThan(15 * 1024);
    // the HTTP API invokes each of its functions through one permission, whatever its routes
    const api = ofType(synthesized.resources, 'AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(api).toHaveLength(ofType(synthesized.resources, 'AWS::ApiGatewayV2::Integration').length);
    for (const [, p] of api) expect(longest(p.Properties.SourceArn)).toMatch(/\/\*\/\*\/\*$/);
  });

  it('every template stays under 400 resources (of 500) and 800 KB (of 1 MB), the schemas in a nested stack', () => {
    expect(synthesized.files.length).toBe(2);
    for (const file of synthesized.files) {
      expect(Object.keys(file.json.Resources).length, file.name).toBeLessThan(400);
      expect(file.bytes, file.name).toBeLessThan(800 * 1024);
    }
    expect(ofType(synthesized.resources, 'AWS::EventSchemas::Schema')).toHaveLength(0);
    const nested = synthesized.files.find((f) => f.name.includes('nested'))!;
    expect(
      Object.values(nested.json.Resources).filter((r) => r.Type === 'AWS::EventSchemas::Schema').length,
    ).toBeGreaterThan(50);
  });

  it("AWS's CloudFormation validator finds no error in any template (and cfn-lint none, where installed)", () => {
    const engine = new RegoEngine();
    try {
      for (const file of synthesized.files) {
        const report = engine.validateStandard(new TemplateFile(file.path));
        const errors = report.diagnostics.filter((d) => d.severity === 'ERROR' || d.severity === 'FATAL');
        expect(
          errors.map((e) => `${e.ruleId} ${e.message}`),
          file.name,
        ).toEqual([]);
      }
    } finally {
      engine.free();
    }
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...synthesized.files.map((f) => f.path)], {
      encoding: 'utf8',
    });
    if (!lint.error) {
      // cfn-lint's exit code is a bit field: 2 means errors (4 warnings, 8 informational)
      const errors = lint.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l));
      expect(errors).toEqual([]);
      expect((lint.status ?? 0) & 2).toBe(0);
    }
  }, 60_000);
});
