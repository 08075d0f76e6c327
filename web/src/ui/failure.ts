import { ApiProblem, ApiUnreachable } from '../api/client.js';

// What a failed action says to the person who tried it: that it did NOT happen ("Not saved",
// "Not moved"), why in plain words, and what they can do. A refusal's own detail (the domain's
// sentence: "the deal is already won") is kept; a status alone is never all they see.

export interface Failure {
  /** "Not saved: Handoff could not be reached." */
  title: string;
  /** What to do, or the API's reason. */
  detail?: string;
  /** Worth trying again as it is (no answer, a busy or failing server). */
  retryable: boolean;
  /** The record changed meanwhile: show what changed before saving again. */
  stale: boolean;
}

/** `verb` is the past participle of what was tried: saved, moved, created, deleted, logged. */
export function describeFailure(error: unknown, verb = 'saved'): Failure {
  const not = `Not ${verb}`;
  if (error instanceof ApiUnreachable)
    return {
      title: `${not}: Handoff could not be reached.`,
      detail: 'Check your connection, then try again. What you typed is still here.',
      retryable: true,
      stale: false,
    };
  if (error instanceof ApiProblem) {
    const reason = error.problem.detail ?? error.problem.message;
    const with_ = (title: string, detail: string | null | undefined = reason, retryable = false) => ({
      title: `${not}: ${title}`,
      ...(detail ? { detail: sentenceOf(detail) } : {}),
      retryable,
      stale: false,
    });
    switch (true) {
      case error.status === 412 || error.status === 428:
        return {
          title: `${not}: someone changed this meanwhile.`,
          detail: 'It changed after you opened it, and has been read again as it is now.',
          retryable: false,
          stale: true,
        };
      case error.status === 422 || error.status === 400:
        // each field's problem is said at the field (in words a person acts on), not here again
        return with_('check what is marked.', (error.problem.errors?.length ?? 0) > 0 ? null : reason);
      case error.status === 401:
        return with_('your session ended.', 'Sign in again (reload the page); what you typed is still here.');
      case error.status === 403:
        return with_('you may not do this.');
      case error.status === 404:
        // the API's sentence names the missing record by id, which says nothing to a person
        return with_('it no longer exists.', 'Someone may have deleted it; reload the page to see.');
      case error.status === 409:
        return with_('it cannot be done now.');
      case error.status === 410:
        return with_('it was merged or deleted.');
      case error.status === 413:
        return with_('it is too large.');
      case error.status === 429:
        return with_('Handoff is busy.', 'Wait a moment, then try again.', true);
      case error.status >= 500:
        return with_(
          `Handoff failed (error ${error.status}).`,
          'Nothing was changed. Try again; if it keeps failing, tell your admin.',
          true,
        );
      default:
        return with_(`refused (${error.status}).`);
    }
  }
  return {
    title: `${not}: something went wrong in the console.`,
    ...(error instanceof Error && error.message ? { detail: sentenceOf(error.message) } : {}),
    retryable: true,
    stale: false,
  };
}

const sentenceOf = (text: string) => {
  const t = text.trim();
  const raised = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(raised) ? raised : `${raised}.`;
};

/** A read that failed: "Could not load the deal: …". */
export function describeLoadFailure(error: unknown, what: string): Failure {
  const failure = describeFailure(error, 'loaded');
  return { ...failure, title: failure.title.replace(/^Not loaded/, `Could not load ${what}`) };
}
