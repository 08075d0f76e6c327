import { deleteContact as decide } from '../../../domain/crm/contact.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** Deletes a contact that is not the primary contact of an open deal. */
export function deleteContact(s: Services, id: string, input: CommandInput): Promise<void> {
  const { ctx, ifMatch } = input;
  return versionedCommand({
    ifMatch,
    entity: 'contact',
    load: () => s.contacts.require(id),
    run: async (current) => {
      const events = decide(current, { openDeals: await s.contacts.openDeals(current.id) }, ctx);
      await s.contacts
        .remove(new UnitOfWork(), current)
        .events(events)
        .add(...(await s.duplicates.track('contact', current, null, ctx.now)))
        .commit(s.store);
    },
  });
}
