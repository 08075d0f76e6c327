import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

// What every function wears: the Powertools logger (JSON logs with the invocation's context)
// and the Powertools tracer (an X-Ray subsegment per invocation, the AWS SDK calls beneath it,
// the correlation id as an annotation to search traces by). POWERTOOLS_TRACE_ENABLED, set by the
// stack from its `tracing` context, turns tracing off; responses are never put in traces.

/** What functions ask of the tracer. */
export type Tracing = Pick<Tracer, 'captureAWSv3Client' | 'putAnnotation' | 'isTracingEnabled'>;

/**
 * Powertools traces only in Lambda (AWS_EXECUTION_ENV is set) and unless POWERTOOLS_TRACE_ENABLED
 * is false; anywhere else its Tracer does nothing. So the X-Ray SDK beneath it (about 130 KB, and
 * its start) is loaded only where it may trace; elsewhere (tests, the benchmarks, a deployment
 * with `-c tracing=false`) this stand-in does the nothing Powertools' disabled Tracer does.
 */
const notTracing: Tracing = {
  captureAWSv3Client: (client) => client,
  putAnnotation: () => undefined,
  isTracingEnabled: () => false,
};

function mayTrace(env: NodeJS.ProcessEnv): boolean {
  return (
    (env.AWS_EXECUTION_ENV ?? '') !== '' && (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false'
  );
}

export const tracer: Tracing = mayTrace(process.env)
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer()
  : notTracing;

/** The handler's X-Ray subsegment (the middleware asks the stand-in only whether it traces). */
export const traceHandler = () => captureLambdaHandler(tracer as Tracer, { captureResponse: false });

/** Annotates the current trace with the request's or event's correlation id. */
export function annotateCorrelation(correlationId: string): void {
  tracer.putAnnotation('correlationId', correlationId);
}

export function instrumented<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy<E, R>(handler)
    .use(traceHandler())
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
