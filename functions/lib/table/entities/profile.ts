import {
  type Profile,
  Profile as ProfileSchema,
  profileFromToken,
} from '../../../../domain/people/profile.js';
import type { Actor } from '../../../../domain/shared/context.js';
import { type FieldIssue, NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import {
  ConcurrentModification,
  type Condition,
  entityOf,
  exists,
  type Item,
  type Key,
  notExists,
  type Write,
} from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { partitions } from '../partitions.js';
import { get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';

// The people who use Handoff, as profiles made from their token on their first request
// (docs/architecture.md, decision 14), and the conditions a command puts on the people it names.

const asProfile = entityOf<Profile>(ProfileSchema);

export const profileKey = (userId: string): Key => ({ pk: `USER#${userId}`, sk: 'USER' });

export function profileItem(p: Profile): Item {
  return { ...profileKey(p.id), entity: 'user', gsi1pk: partitions.allOf('USER'), gsi1sk: p.id, ...p };
}

export const profilePatterns = patterns({
  profileById: get({
    entity: 'profile',
    pattern: "a person's profile (whether they are active)",
    usedBy:
      "every API function but the reports' (a caller's first request: is their profile there, with their token's roles), `GET /me`, `GET /users/{id}`, `PATCH /users/{id}`, the handoff (is the delivery owner named by the win or the template still active), `POST /emails` (the sender's name)",
    functions: ['WorkspaceApi', 'CreateProjectOnWin', 'CrmApi', 'TransferApi', 'DeliveryApi'],
    keyCondition: '`pk = USER#<userId>, sk = USER`',
    roundTrips:
      "1 GetItem (the handoff: at most 2, in parallel; a caller's first request to a function instance: 1, beside the route's own)",
    key: profileKey,
  }),
  allProfiles: query({
    entity: 'profile',
    pattern: 'every person who used Handoff (their profiles)',
    usedBy:
      '`GET /users`, daily digest, `/followups` (who is deactivated), the capture function (who is a user)',
    functions: ['WorkspaceApi', 'DailyDigest', 'CrmApi', 'EmailCapture'],
    index: 'gsi1',
    keyCondition: '`gsi1pk = USER`',
    roundTrips: '1 Query',
    query: () => ({ index: 'gsi1', partition: partitions.allOf('USER') }),
  }),
  profileWritten: write({
    entity: 'profile',
    pattern: "a person's profile: made from their token on first use, changed at its version",
    usedBy:
      "every API function but the reports' (a person's first request ever, or new roles in their token), `PATCH /me`, `PATCH /users/{id}`",
    functions: ['CrmApi', 'WorkspaceApi', 'TransferApi', 'DeliveryApi'],
    keyCondition: 'Put `USER#<userId>` / `USER` if absent (first use), or at the version read',
    roundTrips:
      "1 conditional Put for a person's first request ever (after the read that found no profile); a change is in its transaction",
    actions: ['PutItem'],
  }),
  profileIsActive: write({
    entity: 'profile',
    pattern: 'the person a command names is known (and active) when it commits',
    usedBy: 'owners, assignees, delivery owners and approvers named by a command or an import row',
    functions: ['CrmApi', 'WorkspaceApi', 'DeliveryApi', 'CsvImport'],
    keyCondition: 'ConditionCheck `USER#<userId>`: exists (and `active` is not false)',
    roundTrips: "none of its own (a condition of the command's transaction)",
    actions: ['ConditionCheckItem'],
  }),
});

/** What `lookUp` found: the caller is known to this instance, or their stored profile (if any). */
export type ProfileLookup = { known: true } | { known: false; stored: Profile | undefined };

export class ProfileRepository {
  /** Users this function instance already knows to have a profile: checked once each. */
  private readonly known = new Set<string>();

  constructor(private readonly store: Store) {}

  /**
   * Starts reading the caller's profile, unless this instance already knows it is current. The
   * HTTP edge starts it beside the request's own work and hands it to `ensure` once the request
   * succeeded: a cold instance's first request then costs one read in parallel, not a write
   * after it, and a refused request has still written nothing. Never rejects: a failed read
   * leaves `ensure` to write as if nothing were known.
   */
  lookUp(actor: Actor): Promise<ProfileLookup> {
    if (this.known.has(actor.userId)) return Promise.resolve({ known: true });
    return this.get(actor.userId).then(
      (stored) => ({ known: false, stored }),
      () => ({ known: false, stored: undefined }),
    );
  }

  /**
   * Makes the caller's profile from their token the first time they call the API, and brings
   * its roles in line with the token's groups: once per user per function instance, after one
   * read (`lookUp`'s, or its own); a conditional Put only for someone new.
   */
  async ensure(
    actor: Actor,
    now: string,
    lookup: Promise<ProfileLookup> = this.lookUp(actor),
  ): Promise<void> {
    if (this.known.has(actor.userId)) return;
    const found = await lookup;
    if (found.known) return;
    let stored = found.stored;
    if (!stored) {
      try {
        await this.store.transact([
          {
            pattern: profilePatterns.profileWritten,
            put: profileItem(profileFromToken(actor, now)),
            condition: notExists,
            onConditionFailed: (current) => {
              stored = current ? asProfile(current) : undefined;
              return new ConcurrentModification('profile');
            },
          },
        ]);
      } catch (error) {
        if (!(error instanceof ConcurrentModification)) throw error;
      }
    }
    // roles come from the token's groups: a change in the identity provider shows here
    if (stored && !sameRoles(stored.roles, actor.roles)) await this.syncRoles(stored, actor, now);
    this.known.add(actor.userId);
  }

  private async syncRoles(current: Profile, actor: Actor, now: string): Promise<void> {
    const after: Profile = { ...current, roles: actor.roles, updatedAt: now, version: current.version + 1 };
    try {
      await this.update(new UnitOfWork(), current, after).commit(this.store);
    } catch (error) {
      // someone else changed the profile at the same moment: the next fresh instance syncs
      if (!(error instanceof ConcurrentModification)) throw error;
    }
  }

  async get(userId: string): Promise<Profile | undefined> {
    const item = await this.store.get(profilePatterns.profileById, userId);
    return item ? asProfile(item) : undefined;
  }

  async require(userId: string): Promise<Profile> {
    const p = await this.get(userId);
    if (!p) throw new NotFound('user', userId);
    return p;
  }

  /** The team, by id; `active` keeps only the active (or only the deactivated) people. */
  list(page: PageRequest, active?: boolean): Promise<Page<Profile>> {
    return pageOf(
      this.store,
      { ...profilePatterns.allProfiles.query(), ...page, ...(active === undefined ? {} : activeIs(active)) },
      asProfile,
    );
  }

  /** Everyone who used Handoff (the daily digest decides, person by person, whose hour it is). */
  async all(): Promise<Profile[]> {
    return (await this.store.queryAll(profilePatterns.allProfiles.query())).map(asProfile);
  }

  /** Everyone deactivated: the people whose open deals and tasks wait for reassignment. */
  async deactivated(): Promise<Profile[]> {
    const items = await this.store.queryAll({ ...profilePatterns.allProfiles.query(), ...activeIs(false) });
    return items.map(asProfile);
  }

  update(uow: UnitOfWork, before: Profile, after: Profile): UnitOfWork {
    return uow.update(profilePatterns.profileWritten, before, profileItem(after));
  }

  /**
   * The named user must be known and active when the command commits: a condition, not a read.
   * The caller needs no check (their token proves them; their profile may not exist yet).
   * `refusal` is the 422's kind (a win refuses it as a handoff incomplete, like its other facts).
   */
  requireActive(
    path: string,
    userId: string,
    actor?: Actor,
    refusal: new (issues: FieldIssue[]) => ValidationFailed = ValidationFailed,
  ): Write[] {
    if (actor && userId === actor.userId) return [];
    return [
      {
        pattern: profilePatterns.profileIsActive,
        check: profileKey(userId),
        condition: {
          expression: 'attribute_exists(pk) AND (attribute_not_exists(active) OR active = :active)',
          values: { ':active': true },
        },
        onConditionFailed: (current) =>
          new refusal([
            {
              path,
              message: current
                ? `${userId} is deactivated; choose an active user (GET /users?active=true)`
                : `${userId} is not a known user (people appear in GET /users once they have signed in)`,
            },
          ]),
      },
    ];
  }

  /** The named user must have a profile (active or not) when the command commits: a condition, not a read. */
  requireKnown(path: string, userId: string): Write {
    return {
      pattern: profilePatterns.profileIsActive,
      check: profileKey(userId),
      condition: exists,
      onConditionFailed: () =>
        new ValidationFailed([
          { path, message: `${userId} is not a known user (people appear once they have signed in)` },
        ]),
    };
  }
}

/** Profiles written before deactivation existed have no `active`: they are active. */
function activeIs(active: boolean): { filter: Condition } {
  return {
    filter: active
      ? { expression: 'attribute_not_exists(active) OR active = :active', values: { ':active': true } }
      : { expression: 'active = :active', values: { ':active': false } },
  };
}

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();
