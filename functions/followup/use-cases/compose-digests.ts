import { emit } from '../../../domain/events.js';
import { composeDigest, type Digest, isDigestHour, localClock } from '../../../domain/followup/digest.js';
import { disabledWebhookEndpoint } from '../../../domain/followup/followups.js';
import { type CommandContext, system } from '../../../domain/shared/context.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import { MS_PER_DAY, toMillis } from '../../../domain/shared/time.js';
import type { DeliveryNewsRepository } from '../../lib/table/entities/delivery-news.js';
import { decideDigest } from '../../lib/table/entities/digest.js';
import type { FollowUpReader } from '../../lib/table/entities/follow-ups.js';
import type { ProfileRepository } from '../../lib/table/entities/profile.js';
import type { WebhookEndpointRepository } from '../../lib/table/entities/webhook-endpoint.js';
import type { Store } from '../../lib/table/store.js';

// The daily digest, run every hour: the people for whom it is now the digest hour in their
// own time zone get theirs (FollowUpDigest), once per local day (a conditional write keyed by
// person and date), and only when there is something in it. Admins' digests also name the
// webhook endpoints Handoff stopped sending to.

export interface DigestReport {
  due: number;
  sent: number;
  empty: number;
  already: number;
  digests: Digest[];
}

export async function runDailyDigest(
  {
    store,
    followups: reader,
    profiles: people,
    webhookEndpoints,
    news,
  }: {
    store: Store;
    followups: FollowUpReader;
    profiles: ProfileRepository;
    webhookEndpoints: WebhookEndpointRepository;
    news: DeliveryNewsRepository;
  },
  scheduledTime: string,
  options: { digestHour: number; graceMinutes: number },
): Promise<DigestReport> {
  const now = new Date(scheduledTime).toISOString();
  const profiles = await people.all();
  const due = profiles.filter((p) => isDigestHour(p, now, options.digestHour));
  const report: DigestReport = { due: due.length, sent: 0, empty: 0, already: 0, digests: [] };
  if (due.length === 0) return report;
  // "Today" ends at most 14 hours ahead of UTC: read everything due by the end of tomorrow.
  const horizon = new Date(toMillis(now) + 2 * MS_PER_DAY).toISOString();
  const [dueSoon, stalled, missing, atRisk] = await Promise.all([
    reader.dueBy(horizon),
    reader.stalled(now),
    reader.missingHandoffs(now, options.graceMinutes),
    reader.projectsAtRisk(now),
  ]);
  const overdue = await reader.overdue(now);
  const admins = due.filter((p) => p.roles.includes('admin'));
  const endpoints = admins.length > 0 ? await webhookEndpoints.list() : [];
  const webhooks = admins.flatMap((admin) =>
    endpoints.flatMap((e) => disabledWebhookEndpoint(e, admin.id, now) ?? []),
  );
  const everything = [...overdue.items, ...stalled.items, ...missing.items, ...atRisk.items, ...webhooks];
  const tasksDue = dueSoon.items.tasks
    .filter((t) => t.status !== 'done')
    .map((t) => ({
      taskId: t.id,
      projectId: t.projectId,
      title: t.title,
      dueDate: t.dueDate,
      // an unassigned task is its project's delivery owner's to follow up
      ownerId: t.assigneeId ?? dueSoon.items.projectOwners.get(t.projectId) ?? null,
    }));
  const names = new Map(profiles.map((p) => [p.id, p.name ?? null]));
  const nameOf = (userId: string) => names.get(userId) ?? null;
  // the last day's news: a person's digest is decided once a day (news is kept a week)
  const since = new Date(toMillis(now) - MS_PER_DAY).toISOString();
  for (const profile of due) {
    const digest = composeDigest(
      profile,
      everything,
      tasksDue,
      now,
      nameOf,
      await news.since(profile.id, since, now),
    );
    const localDate = localClock(now, profile.timeZone).date;
    const ctx: CommandContext = {
      now,
      actor: system('daily-digest'),
      correlationId: `digest:${profile.id}:${localDate}`,
      newId,
      newEventId,
    };
    // The first run of the person's local day decides, even when there is nothing to send.
    const events = digest ? [emit(ctx, 'FollowUpDigest', digest)] : [];
    if (!(await decideDigest(store, { userId: profile.id, localDate }, digest !== null, events, now))) {
      report.already++;
      continue;
    }
    if (digest) {
      report.sent++;
      report.digests.push(digest);
    } else {
      report.empty++;
    }
  }
  return report;
}
