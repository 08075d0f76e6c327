// Domain errors are typed so that one HTTP middleware can map each class to its RFC 9457
// problem (status, type, title) without the domain knowing about HTTP.

export interface FieldIssue {
  /** Dotted path of the offending field in the request body or query, e.g. `handoff.kickoffDate`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  /** Extra members added to the problem document (e.g. the id of a conflicting record). */
  readonly extensions: Record<string, unknown>;

  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.extensions = extensions;
  }
}

/** The input does not satisfy the schema or a business rule about its shape (422). */
export class ValidationFailed extends DomainError {
  readonly kind: string = 'validation-failed';
  constructor(
    readonly issues: FieldIssue[],
    message = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; '),
  ) {
    super(message);
  }
}

/** A deal cannot be closed-won without every fact delivery needs (422, each missing field named). */
export class HandoffIncomplete extends ValidationFailed {
  override readonly kind = 'handoff-incomplete';
}

/** The request itself is malformed at the protocol level: bad JSON, bad cursor, bad id (400). */
export class BadRequest extends DomainError {
  readonly kind = 'bad-request';
}

export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(entity: string, id: string) {
    super(`${entity} ${id} does not exist`, { entity, id });
  }
}

/** The record existed and was merged into another one (410, names the survivor). */
export class Gone extends DomainError {
  readonly kind = 'gone';
}

/** The request conflicts with the current state (409): a won deal moved again, a duplicate email. */
export class Conflict extends DomainError {
  readonly kind = 'conflict';
}

/**
 * The definitions changed after this request was checked against them. The HTTP edge checks the
 * request again once (the cache is fresh by then); a second change in between is a 409.
 */
export class CustomFieldsChanged extends Conflict {
  constructor() {
    super('the custom field definitions changed while this request was checked against them; send it again');
  }
}

/** The caller's `If-Match` names a version that is no longer current (412). */
export class PreconditionFailed extends DomainError {
  readonly kind = 'precondition-failed';
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`${entity} ${id} is at version ${currentVersion}, not ${expectedVersion}`, {
      currentVersion,
    });
  }
}

/** The caller is authenticated but their role does not allow this (403). */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
}
