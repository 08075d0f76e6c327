import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.js';
import { HandoffStack } from './stack.js';

// `cdk synth` / `cdk deploy` start here (cdk.json). cdk-nag's AWS Solutions rules run on every
// synthesis; a finding that is not acknowledged with a reason stops it.

export function buildApp(app = new App()): { app: App; stack: HandoffStack } {
  const stackName = String(app.node.tryGetContext('stackName') ?? 'Handoff');
  const stack = new HandoffStack(app, stackName, {
    config: readConfig(app.node),
    description: 'Handoff: CRM and project management with an enforced sales-to-delivery handoff',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildApp().app.synth();
}
