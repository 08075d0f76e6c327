import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

// What every function wears: the Powertools logger (JSON logs with the invocation's context)
// and the Powertools tracer (an X-Ray subsegment per invocation, the AWS SDK calls beneath it,
// the correlation id as an annotation to search traces by). POWERTOOLS_TRACE_ENABLED, set by the
// stack from its `tracing` context, turns tracing off; responses are never put in traces.

export const tracer = new Tracer();

/** Annotates the current trace with the request's or event's correlation id. */
export function annotateCorrelation(correlationId: string): void {
  tracer.putAnnotation('correlationId', correlationId);
}

export function instrumented<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
