import { appendFileSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The OpenAPI document as a contract that cannot drift: every answer a test receives (from a
// handler, or from the local runtime's gateway) must be one the document describes for its
// route, status and media type, with a body its schema accepts and the headers it promises
// (an ETag exactly where the document says one is sent). A status the document does not list
// fails the test that received it. Ajv reads the document's schemas as the JSON Schema 2020-12
// they are in OpenAPI 3.1.

type Json = Record<string, any>;

export const document: Json = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
);
const DOC_ID = 'https://handoff.local/openapi.json';

let ajv: Ajv2020 | undefined;
/**
 * Validators by their schema's text, not by route: most answers share a schema (every route's
 * problem answers one), so the document's 1,771 answers need 91 validators, compiled in 0.7 s
 * instead of 3.5 s (one per route and status); the suite's files spent 7 s of CPU compiling them
 * (measured 2026-12-07).
 */
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Json): ValidateFunction {
  const text = JSON.stringify(schema);
  let validate = validators.get(text);
  if (!validate) {
    if (!ajv) {
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema({ $id: DOC_ID, components: document.components });
    }
    validate = ajv.compile(JSON.parse(text.replaceAll('"#/components/', `"${DOC_ID}#/components/`)));
    validators.set(text, validate);
  }
  return validate;
}

const templates = Object.keys(document.paths).map((path) => ({
  path,
  regex: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  specificity: path.split('{').length,
}));

/** The document's path for a concrete path (the most specific template that matches). */
export function documentedPath(concrete: string): string | undefined {
  return templates.filter((t) => t.regex.test(concrete)).sort((a, b) => a.specificity - b.specificity)[0]
    ?.path;
}

export interface ObservedAnswer {
  method: string;
  /** A path template of the document (`/deals/{id}`) or a concrete path. */
  path: string;
  status: number;
  headers: Record<string, string> | Headers;
  body: unknown;
}

/** Why the answer is not one the document describes, or undefined when it is. */
export function contractViolation(answer: ObservedAnswer): string | undefined {
  const path = document.paths[answer.path] ? answer.path : documentedPath(answer.path);
  const operation = path ? document.paths[path]?.[answer.method.toLowerCase()] : undefined;
  if (!operation) return undefined; // not a route of the API: API Gateway's own 404 (checked apart)
  const where = `${answer.method} ${path} → ${answer.status}`;
  const response = operation.responses[String(answer.status)];
  if (!response) return `${where}: the document lists no ${answer.status} for this route`;
  const get = (name: string) =>
    answer.headers instanceof Headers
      ? (answer.headers.get(name) ?? undefined)
      : Object.entries(answer.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const type = (get('content-type') ?? '').split(';')[0]!.trim();
  if (answer.body === undefined || answer.body === '') {
    if (response.content) return `${where}: the document promises a body, none came`;
  } else {
    const media = response.content?.[type];
    if (!media) return `${where}: the document has no ${type || 'untyped'} body for it`;
    const validate = validatorFor(media.schema);
    if (!validate(answer.body))
      return `${where}: the body breaks the document's schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
  }
  if (answer.status < 300) {
    const promised = Boolean(response.headers?.ETag);
    const sent = get('etag') !== undefined;
    if (promised !== sent)
      return `${where}: ETag ${sent ? 'sent but not documented' : 'documented but not sent'}`;
    if (get('idempotent-replayed') !== undefined && !response.headers?.['Idempotent-Replayed'])
      return `${where}: Idempotent-Replayed sent but not documented`;
  }
  return undefined;
}

/** Throws (failing the test that got the answer) when the document does not describe it. */
export function assertDocumented(answer: ObservedAnswer): void {
  const violation = contractViolation(answer);
  if (violation && process.env.CONTRACT_LOG) appendFileSync(process.env.CONTRACT_LOG, `${violation}\n`);
  if (violation) throw new Error(`OpenAPI contract: ${violation}`);
}
