import type { Activity } from '../../../domain/crm/activity.js';
import type { Company } from '../../../domain/crm/company.js';
import type { Contact } from '../../../domain/crm/contact.js';
import {
  assertMayMerge,
  mergeCompanies,
  mergeContacts,
  relinkActivity,
  relinkContact,
  relinkDeal,
  relinkProject,
} from '../../../domain/crm/merge.commands.js';
import type { Project } from '../../../domain/delivery/project.js';
import type { CommandContext } from '../../../domain/shared/context.js';
import { NotFound } from '../../../domain/shared/errors.js';
import type { Services } from '../../lib/services.js';
import { activityPatterns } from '../../lib/table/entities/activity.js';
import { contactPatterns } from '../../lib/table/entities/contact.js';
import { dealPatterns } from '../../lib/table/entities/deal.js';
import { duplicatePatterns } from '../../lib/table/entities/duplicates.js';
import { projectPatterns } from '../../lib/table/entities/project.js';
import { type Item, toEntity } from '../../lib/table/item.js';
import { mergedAway } from '../../lib/table/merged.js';
import { partitions } from '../../lib/table/partitions.js';
import type { KeyCondition } from '../../lib/table/pattern.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { expectVersion, retryOnConflict } from '../../lib/versioned-command.js';

// Merging duplicates, in steps that are each safe to repeat: first every record linked to the
// duplicate is moved to the survivor (each in its own transaction, on condition that it still
// points at the duplicate), then one transaction updates the survivor and retires the duplicate.
// If the function stops half-way, the same request finishes the job; asked again after the
// merge, it moves whatever was linked to the duplicate in the meantime and changes nothing else.

/** Linked records moved per transaction (two writes each: the record and its event). */
const BATCH = 25;

/** A merge stops moving records at its deadline and answers "in progress"; asked again, it goes on. */
export class MergeUnfinished extends Error {
  constructor(readonly moved: Record<string, number>) {
    super('the merge moved what it could in this request; send it again to finish');
  }
}

async function pair(
  s: Pick<Services, 'store'>,
  kind: 'contact' | 'company',
  survivorId: string,
  duplicateId: string,
  ifMatch: number | undefined,
) {
  const [survivor, duplicate] = await s.store.batchGet(
    duplicatePatterns.mergePair,
    kind,
    survivorId,
    duplicateId,
  );
  if (!survivor) throw new NotFound(kind, survivorId);
  if (survivor.mergedInto) throw mergedAway(kind, survivorId, String(survivor.mergedInto));
  // If-Match names the survivor's version: the merge changes it only in its last step
  expectVersion(ifMatch, kind, { id: survivorId, version: Number(survivor.version) });
  if (!duplicate) throw new NotFound(kind, duplicateId);
  if (duplicate.mergedInto && duplicate.mergedInto !== survivorId)
    throw mergedAway(kind, duplicateId, String(duplicate.mergedInto));
  return { survivor, duplicate, alreadyMerged: Boolean(duplicate.mergedInto) };
}

interface Mover {
  /** A page of what the index says is still linked to the duplicate (indexes lag a little). */
  find(): Promise<Item[]>;
  /** Whether the record, read again consistently, still is. */
  stillLinked(item: Item): boolean;
  /** Adds the writes that link it to the survivor instead. */
  move(uow: UnitOfWork, item: Item): Promise<void> | void;
  /** Records per transaction (default 25; fewer for records with copies). */
  batch?: number;
}

/**
 * Moves everything a mover finds, BATCH records per transaction, each batch read again
 * (consistently) and decided again if it raced another change. Stops when a pass finds nothing
 * left to move, or at the deadline.
 */
async function moveAll(s: Pick<Services, 'store'>, mover: Mover, deadline: number): Promise<number> {
  let moved = 0;
  for (;;) {
    const found = await mover.find();
    let movedThisPass = 0;
    const size = mover.batch ?? BATCH;
    for (let i = 0; i < found.length; i += size) {
      if (Date.now() > deadline) throw new MergeUnfinished({});
      const batch = found.slice(i, i + size).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
      movedThisPass += await retryOnConflict(undefined, async () => {
        const fresh = (await s.store.batchGet(duplicatePatterns.mergeMoving, batch)).filter(
          (item): item is Item => !!item && mover.stillLinked(item as Item),
        );
        if (fresh.length === 0) return 0;
        const uow = new UnitOfWork();
        for (const item of fresh) await mover.move(uow, item);
        await uow.commit(s.store);
        return fresh.length;
      });
    }
    moved += movedThisPass;
    if (movedThisPass === 0) return moved;
  }
}

/**
 * The steps of one merge request, counting what each moved: at the deadline, the counts so far go
 * with the "in progress" answer.
 */
function mergeSteps(s: Pick<Services, 'store'>, deadline: number) {
  const moved: Record<string, number> = {};
  const step = async (name: string, mover: Mover) => {
    try {
      moved[name] = await moveAll(s, mover, deadline);
    } catch (error) {
      if (error instanceof MergeUnfinished) throw new MergeUnfinished(moved);
      throw error;
    }
  };
  return { moved, step };
}

/** The next records (up to 100) an access pattern still finds linked to the duplicate. */
const linkedTo = (s: Pick<Services, 'store'>, condition: KeyCondition) => () =>
  s.store.query({ ...condition, limit: 100 }).then((r) => r.items as Item[]);

const dealsMover = (
  s: Pick<Services, 'deals'>,
  find: () => Promise<Item[]>,
  link: { contactId: string } | { companyId: string; companyName: string },
  from: string,
  ctx: CommandContext,
): Mover => ({
  find,
  stillLinked: (item) =>
    item.entity === 'deal' && ('contactId' in link ? item.contactId : item.companyId) === from,
  move: (uow, item) => {
    const current = s.deals.fromItem(item);
    const { deal, events } = relinkDeal(current, link, ctx);
    s.deals.update(uow, current, deal).events(events);
  },
});

export async function mergeContactInto(
  s: Pick<Services, 'activities' | 'contacts' | 'deals' | 'duplicates' | 'store'>,
  survivorId: string,
  duplicateId: string,
  ctx: CommandContext,
  deadline = Number.POSITIVE_INFINITY,
  ifMatch?: number,
): Promise<{ contact: Contact; moved: Record<string, number> }> {
  assertMayMerge(ctx, survivorId, duplicateId);
  const { alreadyMerged } = await pair(s, 'contact', survivorId, duplicateId, ifMatch);
  const { moved, step } = mergeSteps(s, deadline);
  await step('deals', {
    ...dealsMover(
      s,
      linkedTo(s, dealPatterns.contactDeals.query(duplicateId)),
      { contactId: survivorId },
      duplicateId,
      ctx,
    ),
    batch: 5,
  });
  await step('activities', {
    find: linkedTo(s, activityPatterns.contactTimeline.query(duplicateId)),
    // the duplicate heads its own timeline: it is not moved, it is retired below
    stillLinked: (item) => item.gsi5pk === partitions.contact(duplicateId) && item.entity !== 'contact',
    move: (uow, item) => {
      if (item.entity === 'activity') {
        const current = toEntity<Activity>(item);
        const { activity, events } = relinkActivity(current, survivorId, ctx);
        s.activities.update(uow, current, activity).events(events);
      } else {
        // a deal's history entry on the contact's timeline
        s.deals.moveHistoryToContact(uow, item, duplicateId, survivorId);
      }
    },
  });

  if (!alreadyMerged) {
    await retryOnConflict(ifMatch, async () => {
      const { survivor, duplicate } = await pair(s, 'contact', survivorId, duplicateId, ifMatch);
      if (duplicate.mergedInto) return;
      const before = s.contacts.fromItem(survivor);
      const gone = s.contacts.fromItem(duplicate);
      const { contact, events, noteActivity } = mergeContacts(before, gone, moved, ctx);
      const uow = s.contacts.merge(new UnitOfWork(), before, contact, gone, ctx.now).events(events);
      if (noteActivity) s.activities.create(uow, noteActivity, false);
      uow.add(
        ...(await s.duplicates.track('contact', gone, null, ctx.now, [survivorId])),
        ...(await s.duplicates.track('contact', before, contact, ctx.now, [duplicateId])),
      );
      await uow.commit(s.store);
    });
  }
  return { contact: await s.contacts.require(survivorId), moved };
}

export async function mergeCompanyInto(
  s: Pick<Services, 'companies' | 'contacts' | 'deals' | 'duplicates' | 'projects' | 'store'>,
  survivorId: string,
  duplicateId: string,
  ctx: CommandContext,
  deadline = Number.POSITIVE_INFINITY,
  ifMatch?: number,
): Promise<{ company: Company; moved: Record<string, number> }> {
  assertMayMerge(ctx, survivorId, duplicateId);
  const { alreadyMerged, survivor: named } = await pair(s, 'company', survivorId, duplicateId, ifMatch);
  const { moved, step } = mergeSteps(s, deadline);
  await step('contacts', {
    find: linkedTo(s, contactPatterns.companyContacts.query(duplicateId)),
    stillLinked: (item) => item.entity === 'contact' && item.companyId === duplicateId,
    // each may become a likely duplicate of a contact at its new company
    move: async (uow, item) => {
      const current = s.contacts.fromItem(item);
      const { contact, events } = relinkContact(current, survivorId, ctx);
      s.contacts.update(uow, current, contact).events(events);
      uow.add(...(await s.duplicates.track('contact', current, contact, ctx.now)));
    },
    batch: 5,
  });
  await step('deals', {
    ...dealsMover(
      s,
      linkedTo(s, dealPatterns.companyDeals.query(duplicateId)),
      { companyId: survivorId, companyName: String(named.name) },
      duplicateId,
      ctx,
    ),
    batch: 5,
  });
  await step('projects', {
    find: linkedTo(s, projectPatterns.companyProjects.query(duplicateId)),
    stillLinked: (item) =>
      item.entity === 'project' && (item.customer as Project['customer'])?.companyId === duplicateId,
    move: (uow, item) => {
      const current = toEntity<Project>(item);
      const { project, events } = relinkProject(current, survivorId, ctx);
      s.projects.updateHead(uow.events(events), current, project);
    },
  });

  if (!alreadyMerged) {
    await retryOnConflict(ifMatch, async () => {
      const { survivor, duplicate } = await pair(s, 'company', survivorId, duplicateId, ifMatch);
      if (duplicate.mergedInto) return;
      const before = s.companies.fromItem(survivor);
      const gone = s.companies.fromItem(duplicate);
      const { company, events } = mergeCompanies(before, gone, moved, ctx);
      const uow = s.companies.merge(new UnitOfWork(), before, company, gone, ctx.now).events(events);
      uow.add(
        ...(await s.duplicates.track('company', gone, null, ctx.now, [survivorId])),
        ...(await s.duplicates.track('company', before, company, ctx.now, [duplicateId])),
      );
      await uow.commit(s.store);
    });
  }
  return { company: await s.companies.require(survivorId), moved };
}
