import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { API_FUNCTIONS } from '../functions/http/api-functions.js';
import type { HandoffConfig } from './config.js';
import { HandoffApi } from './constructs/api.js';
import { HandoffTable } from './constructs/data.js';
import { HandoffEventBus } from './constructs/events.js';
import { HandoffFunction } from './constructs/handoff-function.js';
import { Observability } from './constructs/observability.js';
import { OutboxRelay } from './constructs/outbox-relay.js';
import { EventSchemaRegistry } from './constructs/schema-registry.js';

// One deployment = one company. The stack composes the constructs; each says what it makes.

export interface HandoffStackProps extends StackProps {
  config: HandoffConfig;
}

export class HandoffStack extends Stack {
  readonly table: HandoffTable;
  readonly events: HandoffEventBus;
  readonly api: HandoffApi;
  readonly relay: OutboxRelay;
  readonly functions: Record<string, HandoffFunction> = {};

  constructor(scope: Construct, id: string, props: HandoffStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new HandoffTable(this, 'Data');
    this.events = new HandoffEventBus(this, 'Events', { archiveRetentionDays: config.archiveRetentionDays });
    new EventSchemaRegistry(this, 'Schemas', `${id}-events`);

    const apiFunctions = API_FUNCTIONS.map((spec) => {
      const fn = new HandoffFunction(this, spec.name, {
        entry: spec.entry,
        description: spec.description,
        environment: { TABLE_NAME: this.table.table.tableName },
        logRetentionDays: config.logRetentionDays,
        ...(spec.assets ? { assets: spec.assets } : {}),
      });
      this.functions[spec.name] = fn;
      return { fn: fn.fn, routes: spec.routes() };
    });
    // The CRM API reads and writes CRM items and their indexes; it never scans.
    this.table.grant(
      this.functions.CrmApi!.role,
      ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
      ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5'],
    );

    // Delivery reads and writes projects, tasks, templates and time; it never scans.
    this.table.grant(
      this.functions.DeliveryApi!.role,
      ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
      ['gsi1', 'gsi2', 'gsi4'],
    );

    this.api = new HandoffApi(this, 'Api', {
      functions: apiFunctions,
      ...(config.jwt ? { jwt: config.jwt } : {}),
      corsOrigins: config.corsOrigins,
      throttle: config.throttle,
      logRetentionDays: config.logRetentionDays,
    });

    this.relay = new OutboxRelay(this, 'Outbox', {
      table: this.table.table,
      bus: this.events.bus,
      logRetentionDays: config.logRetentionDays,
    });
    this.functions.OutboxRelay = this.relay.function;

    // Reschedules too large for one transaction are finished by this function (safe to repeat).
    const cascade = new HandoffFunction(this, 'RescheduleCascade', {
      entry: 'functions/events/reschedule-cascade.ts',
      description: 'Writes the task moves of a reschedule that did not fit one transaction',
      environment: { TABLE_NAME: this.table.table.tableName },
      timeout: Duration.seconds(60),
      logRetentionDays: config.logRetentionDays,
    });
    this.table.grant(cascade.role, ['Query', 'PutItem'], []);
    this.events.addLambdaRule('RescheduleRequested', {
      description: 'ProjectRescheduleRequested → the reschedule cascade',
      eventPattern: { source: ['handoff.delivery'], detailType: ['ProjectRescheduleRequested'] },
      target: cascade.fn,
    });
    this.functions.RescheduleCascade = cascade;

    new Observability(this, 'Observability', {
      functions: Object.entries(this.functions).map(([name, f]) => ({ name, fn: f.fn })),
      deadLetterQueues: [
        ...this.events.deadLetterQueues,
        { name: 'outbox relay', queue: this.relay.deadLetterQueue },
      ],
      relay: this.relay.function.fn,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'the HTTP API' });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'subscribe rules here',
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    if (this.api.userPool && this.api.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    }
  }
}
