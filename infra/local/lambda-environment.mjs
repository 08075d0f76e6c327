// One Lambda execution environment, as a child process of the local runtime: it imports the
// function's bundle from cdk.out once (the cold start), then handles one invocation at a time
// sent over IPC, with a Lambda-shaped context. Plain JavaScript so it runs on bare Node.
import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

const { bundleFile, handlerExport, functionName, memoryMb, compileCache } = JSON.parse(
  process.env.HANDOFF_LAMBDA ?? '{}',
);
delete process.env.HANDOFF_LAMBDA;

// the runtime's code cache of the bundles (lambdas.ts, compileCache): read before the import,
// written right after it (Node writes it at a normal exit, which an environment never has).
// Node 22.8 and 22.10 brought the two calls; an older 22 runs without the cache.
if (compileCache) nodeModule.enableCompileCache?.(compileCache);
const started = performance.now();
let handler;
try {
  const mod = await import(pathToFileURL(bundleFile).href);
  handler = mod[handlerExport];
  if (typeof handler !== 'function') throw new Error(`${bundleFile} exports no function ${handlerExport}`);
  const initMs = performance.now() - started;
  if (compileCache) nodeModule.flushCompileCache?.();
  process.send({ type: 'ready', initMs });
} catch (error) {
  process.send({ type: 'init-error', error: serialize(error) });
  process.exit(1);
}

function serialize(error) {
  if (error instanceof Error)
    return { errorType: error.name, errorMessage: error.message, stack: error.stack };
  return { errorType: 'Error', errorMessage: String(error) };
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  // Lambda sets the X-Ray trace header of each invocation in the environment (ACTIVE tracing)
  if (message.traceHeader) process.env._X_AMZN_TRACE_ID = message.traceHeader;
  else delete process.env._X_AMZN_TRACE_ID;
  const deadline = Date.now() + message.timeoutMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: message.arn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(message.event, context);
    process.send({ type: 'result', id: message.id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ type: 'error', id: message.id, error: serialize(error) });
  }
});
