import type { InvocationResult } from './lambdas.js';

// One readable line per invocation: when, which function, what triggered it, the outcome,
// and how long it took (with the cold start when an environment was started for it).

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColor ? `\u001b[${code}m${text}\u001b[0m` : text);

export interface InvocationLog {
  function: string;
  trigger: 'http' | 'event' | 'stream' | 'schedule' | 'queue';
  what: string;
  outcome: string;
  failed: boolean;
  result: InvocationResult;
}

export function formatInvocation(entry: InvocationLog): string {
  const time = new Date().toISOString().slice(11, 23);
  const duration = `${Math.round(entry.result.durationMs)} ms${entry.result.coldStartMs !== undefined ? ` (cold start ${Math.round(entry.result.coldStartMs)} ms)` : ''}`;
  const outcome = entry.failed ? paint(31, entry.outcome) : paint(32, entry.outcome);
  return `${paint(90, time)}  ${entry.function.padEnd(14)} ${entry.trigger.padEnd(8)} ${entry.what}  →  ${outcome}  ${paint(90, duration)}`;
}

export interface Logger {
  invocation(entry: InvocationLog): void;
  info(message: string): void;
  functionOutput(fn: string, line: string): void;
}

export function consoleLogger(verbose: boolean): Logger {
  return {
    invocation: (entry) => console.log(formatInvocation(entry)),
    info: (message) => console.log(message),
    functionOutput: (fn, line) => {
      if (verbose) console.log(`${paint(90, `  ${fn} │`)} ${line}`);
    },
  };
}
