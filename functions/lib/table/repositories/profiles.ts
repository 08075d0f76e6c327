import {
  type Profile,
  Profile as ProfileSchema,
  profileFromToken,
} from '../../../../domain/people/profile.js';
import type { Actor } from '../../../../domain/shared/context.js';
import { NotFound, ValidationFailed } from '../../../../domain/shared/errors.js';
import { accessPatterns } from '../access-patterns.js';
import { keys, partitions } from '../keys.js';
import { ConcurrentModification, entityOf, exists, notExists, type Store, type Write } from '../store.js';
import type { UnitOfWork } from '../unit-of-work.js';
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
    try {
      await this.store.transact([
        {
          put: profileItem(profileFromToken(actor, now)),
          condition: notExists,
          onConditionFailed: () => new ConcurrentModification('profile'),
        },
      ]);
    } catch (error) {
      if (!(error instanceof ConcurrentModification)) throw error;
    }
    this.known.add(actor.userId);
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

  list(page: PageRequest): Promise<Page<Profile>> {
    return pageOf(this.store, { ...accessPatterns.allProfiles.query(), ...page }, asProfile);
  }

  update(uow: UnitOfWork, before: Profile, after: Profile): UnitOfWork {
    return uow.update('profile', before, profileItem(after));
  }

  /** The named user must have a profile when the command commits: a condition, not a read. */
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
