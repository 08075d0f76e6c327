import { deleteContact as decide } from '../../../domain/crm/contact.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { detachDeals } from './detach-links.js';

/**
 * Deletes a contact no deal refers to (the 409 counts the open and closed ones that do); with
 * `detach`, an admin's choice, those deals lose the link first.
 */
export function deleteContact(
  s: Pick<Services, 'contacts' | 'deals' | 'duplicates' | 'store'>,
  id: string,
  input: CommandInput,
  options: { detach: boolean } = { detach: false },
): Promise<void> {
  const { ctx, ifMatch } = input;
  return versionedCommand({
    ifMatch,
    entity: 'contact',
    load: () => s.contacts.require(id),
    run: async (current) => {
      const events = decide(current, await s.deals.contactLinks(current.id), options, ctx);
      if (options.detach)
        await detachDeals(s, await s.deals.idsLinkedTo({ contactId: current.id }), 'contactId', ctx);
      await s.contacts
        .remove(new UnitOfWork(), current)
        .events(events)
        .add(...(await s.duplicates.track('contact', current, null, ctx.now)))
        .commit(s.store);
    },
  });
}
