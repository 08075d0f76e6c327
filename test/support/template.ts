import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT } from '../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../infra/local/synth.js';
import { stackTemplatePath } from '../../infra/local/template.js';

// The stack's synthesized template, changed by a test (a grant removed), in a cdk.out folder of
// its own that the local runtime runs (startLocal's `cdkOut`): the bundles and assets are the
// synthesized ones (linked, not copied), only the stack's template differs.

type Json = any;

export interface ChangedTemplate {
  cdkOut: string;
  remove(): void;
}

export function changedTemplate(change: (resources: Record<string, Json>) => void): ChangedTemplate {
  const source = synthesizeIfChanged(ROOT).cdkOut;
  const { file } = stackTemplatePath(source);
  const cdkOut = mkdtempSync(join(tmpdir(), 'handoff-cdk-out-'));
  for (const entry of readdirSync(source))
    if (entry !== basename(file)) symlinkSync(join(source, entry), join(cdkOut, entry));
  const template = JSON.parse(readFileSync(file, 'utf8'));
  change(template.Resources);
  writeFileSync(join(cdkOut, basename(file)), JSON.stringify(template, null, 1));
  return { cdkOut, remove: () => rmSync(cdkOut, { recursive: true, force: true }) };
}

/** The policies attached to a function's role (the function named by its construct id, e.g. CrmApi). */
export function rolePolicies(resources: Record<string, Json>, functionName: string): Json[] {
  const [, fn] =
    Object.entries(resources).find(
      ([, r]) =>
        r.Type === 'AWS::Lambda::Function' &&
        String(r.Metadata?.['aws:cdk:path'] ?? '').includes(`/${functionName}/Function/`),
    ) ?? [];
  if (!fn) throw new Error(`no function ${functionName} in the template`);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: Json) => role.Ref === roleId),
  );
}

/** Takes an action out of every statement of a function's role (a statement left with none goes). */
export function withoutGrant(functionName: string, action: string) {
  return (resources: Record<string, Json>) => removeAction(rolePolicies(resources, functionName), action);
}

/** Takes an action out of the role a schedule (named as in the template, e.g. handoff-overdue-sweep) runs with. */
export function withoutScheduleGrant(scheduleName: string, action: string) {
  return (resources: Record<string, Json>) => {
    const schedule = Object.values(resources).find(
      (r) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties.Name === scheduleName,
    );
    if (!schedule) throw new Error(`no schedule ${scheduleName} in the template`);
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    removeAction(
      Object.values(resources).filter(
        (r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: Json) => role.Ref === roleId),
      ),
      action,
    );
  };
}

function removeAction(policies: Json[], action: string): void {
  let removed = 0;
  for (const policy of policies) {
    const document = policy.Properties.PolicyDocument;
    document.Statement = document.Statement.flatMap((statement: Json) => {
      const actions = [statement.Action].flat();
      if (!actions.includes(action)) return [statement];
      removed++;
      const rest = actions.filter((a: string) => a !== action);
      return rest.length ? [{ ...statement, Action: rest }] : [];
    });
  }
  if (removed === 0) throw new Error(`the role has no ${action} to remove`);
}
