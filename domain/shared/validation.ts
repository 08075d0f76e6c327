import { type FieldIssue, ValidationFailed } from './errors.js';
import type * as z from './zod.js';

// Every input crosses this function: zod collects every issue at once, and each becomes a
// `{ path, message }` pair in the 422 problem document.

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message:
      issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
        ? 'is required'
        : issue.code === 'unrecognized_keys'
          ? `unknown field(s): ${issue.keys.join(', ')}`
          : issue.message,
  }));
}

export function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  Failure: new (issues: FieldIssue[]) => ValidationFailed = ValidationFailed,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new Failure(issuesOf(result.error));
  return result.data;
}
