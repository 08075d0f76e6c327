import {
  type Profile,
  Profile as ProfileSchema,
  profileFromToken,
} from '../../../../domain/people/profile.js';
import type { Actor } from '../../../../domain/shared/context.js';
import { type FieldIssue, NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, partitions } from '../keys.js';
import {
  ConcurrentModification,
  type Condition,
  entityOf,
  exists,
  notExists,
  type Store,
  type Write,
} from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { type Page, type PageRequest, pageOf } from './page.js';

const asProfile = entityOf<Profile>(ProfileSchema);

export function profileItem(p: Profile) {
  return { ...keys.user(p.id), entity: 'user', gsi1pk: partitions.allOf('USER'), gsi1sk: p.id, ...p };
}

export class ProfileRepository {
  /** Users this function instance already knows to have a profile: checked once each. */
  private readonly known = new Set<string>();

  constructor(private readonly store: Store) {}

  /**
   * Makes the caller's profile from their token the first time they call the API (a
   * conditional put, once per user per function instance; later calls cost nothing).
   */
  async ensure(actor: Actor, now: string): Promise<void> {
    if (this.known.has(actor.userId)) return;
    let stored: Record<string, unknown> | undefined;
    try {
      await this.store.transact([
        {
          put: profileItem(profileFromToken(actor, now)),
          condition: notExists,
          onConditionFailed: (current) => {
            stored = current;
            return new ConcurrentModification('profile');
          },
        },
      ]);
    } catch (error) {
      if (!(error instanceof ConcurrentModification)) throw error;
      // roles come from the token's groups: a change in the identity provider shows here
      if (stored && !sameRoles(asProfile(stored).roles, actor.roles))
        await this.syncRoles(asProfile(stored), actor, now);
    }
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
    const item = await this.store.get(keys.user(userId));
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
      { ...accessPatterns.allProfiles.query(), ...page, ...(active === undefined ? {} : activeIs(active)) },
      asProfile,
    );
  }

  /** Everyone deactivated: the people whose open deals and tasks wait for reassignment. */
  async deactivated(): Promise<Profile[]> {
    const items = await this.store.queryAll({ ...accessPatterns.allProfiles.query(), ...activeIs(false) });
    return items.map(asProfile);
  }

  update(uow: UnitOfWork, before: Profile, after: Profile): UnitOfWork {
    return uow.update('profile', before, profileItem(after));
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
        check: keys.user(userId),
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
      check: keys.user(userId),
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
