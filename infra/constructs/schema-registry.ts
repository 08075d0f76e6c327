import { NestedStack } from 'aws-cdk-lib';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import type { Construct } from 'constructs';
import { EVENTS, type EventName } from '../../domain/events.js';
import { registrySchema } from '../../scripts/event-docs.js';

// Publishes the event catalog to an EventBridge Schema Registry, so integrators can browse
// the schemas and generate code bindings in their tools. The registry takes JSON Schema
// draft 4; the same catalog renders docs/schemas in draft 2020-12.
// A nested stack of its own: one resource per event (59 and growing) would otherwise take a
// sixth of CloudFormation's 500-resource limit and half the main template's size
// (docs/benchmarks.md, "The template against CloudFormation's limits").

export class EventSchemaRegistry extends NestedStack {
  readonly registry: eventschemas.CfnRegistry;

  constructor(scope: Construct, id: string, registryName: string) {
    super(scope, id, { description: 'Handoff: the event catalog in an EventBridge Schema Registry' });
    this.registry = new eventschemas.CfnRegistry(this, 'Registry', {
      registryName,
      description: 'Handoff events: every change, typed and versioned',
    });
    for (const name of Object.keys(EVENTS) as EventName[]) {
      new eventschemas.CfnSchema(this, name, {
        registryName: this.registry.attrRegistryName,
        schemaName: `${EVENTS[name].source}@${name}`,
        type: 'JSONSchemaDraft4',
        content: JSON.stringify(registrySchema(name)),
        description: EVENTS[name].description,
      });
    }
  }
}
