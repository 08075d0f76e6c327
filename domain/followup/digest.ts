import type { EventData } from '../events.js';
import type { Profile } from '../people/profile.js';
import { getOrInsert } from '../shared/collections.js';
import type { DeliveryNewsItem } from './delivery-news.js';
import { byLateness, type FollowUp } from './followups.js';

// The daily digest: once a day per person, at the configured hour of their own time zone, what
// they have to do; for managers also the team's totals and the won deals without a project; for
// admins the webhook endpoints Handoff stopped sending to.
// Nobody gets a digest with nothing in it.

export type Digest = EventData<'FollowUpDigest'>;

/**
 * One formatter per time zone, made on first use: making an Intl.DateTimeFormat costs far more
 * than formatting with it (the hourly digest asks for every person's clock; the digest-hour
 * property test spent 6.9 s of CPU making formatters, measured 2026-12-07).
 */
const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** The local date and hour of an instant in a time zone (DST included, through Intl). */
export function localClock(instant: string, timeZone: string): { date: string; hour: number } {
  const format = getOrInsert(
    clockFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const parts = format.formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/**
 * Whether an hourly run at this instant may deliver the person's digest: in the digest hour of
 * their zone or the hour after, so a day whose digest hour does not exist (clocks springing
 * forward across it) still has one. Which run delivers is decided once per local day by a
 * conditional write, so a repeated hour (clocks falling back) does not deliver twice.
 */
export function isDigestHour(
  profile: Pick<Profile, 'timeZone'>,
  instant: string,
  digestHour: number,
): boolean {
  const { hour } = localClock(instant, profile.timeZone);
  return hour === digestHour || hour === digestHour + 1;
}

/**
 * `nameOf` gives the people a digest names by their names (a project at risk names its delivery
 * owner and its deal's owner, so each reader knows who is who); unknown, they are named by id.
 */
export function composeDigest(
  profile: Profile,
  everything: FollowUp[],
  tasksDue: { taskId: string; projectId: string; title: string; dueDate: string; ownerId: string | null }[],
  now: string,
  nameOf: (userId: string) => string | null = () => null,
  /** The person's delivery news since their last digest (domain/followup/delivery-news.ts). */
  news: DeliveryNewsItem[] = [],
): Digest | null {
  const person = (id: string) => ({ id, name: nameOf(id) });
  const { date } = localClock(now, profile.timeZone);
  const mine = everything.filter((f) => f.ownerId === profile.id).sort(byLateness);
  const overdueNextActions = mine.flatMap((f) =>
    f.kind === 'overdue-next-action'
      ? [
          {
            dealId: f.dealId,
            dealTitle: f.dealTitle,
            summary: f.summary,
            dueAt: f.dueAt,
            minutesLate: f.minutesLate,
          },
        ]
      : [],
  );
  const overdueTasks = mine.flatMap((f) =>
    f.kind === 'overdue-task'
      ? [
          {
            taskId: f.taskId,
            projectId: f.projectId,
            title: f.title,
            dueDate: f.dueDate,
            minutesLate: f.minutesLate,
          },
        ]
      : [],
  );
  const overdueActivities = mine.flatMap((f) =>
    f.kind === 'overdue-activity'
      ? [
          {
            activityId: f.activityId,
            subject: f.subject,
            ...(f.dealId ? { dealId: f.dealId } : {}),
            dueAt: f.dueAt,
            minutesLate: f.minutesLate,
          },
        ]
      : [],
  );
  const stalledDeals = mine.flatMap((f) =>
    f.kind === 'stalled-deal'
      ? [
          {
            dealId: f.dealId,
            dealTitle: f.dealTitle,
            stageId: f.stageId,
            ...(f.stageName ? { stageName: f.stageName } : {}),
            daysInStage: f.daysInStage,
          },
        ]
      : [],
  );
  const projectsAtRisk = mine.flatMap((f) =>
    f.kind === 'project-at-risk'
      ? [
          {
            projectId: f.projectId,
            projectName: f.projectName,
            role: f.role,
            deliveryOwner: person(f.deliveryOwnerId),
            dealOwner: f.dealOwnerId ? person(f.dealOwnerId) : null,
            promisedDueDate: f.promisedDueDate,
            projectedFinish: f.projectedFinish,
            shortfallDays: f.shortfallDays,
          },
        ]
      : [],
  );
  const disabledWebhookEndpoints = mine.flatMap((f) =>
    f.kind === 'webhook-endpoint-disabled'
      ? [{ endpointId: f.endpointId, origin: f.origin, reason: f.reason, disabledAt: f.dueAt }]
      : [],
  );
  const tasksDueToday = tasksDue
    .filter((t) => t.ownerId === profile.id && t.dueDate === date)
    .map(({ ownerId: _o, ...t }) => t);
  const manager = profile.roles.includes('manager') || profile.roles.includes('admin');
  const team = manager
    ? {
        overdueNextActions: everything.filter((f) => f.kind === 'overdue-next-action').length,
        overdueTasks: everything.filter((f) => f.kind === 'overdue-task').length,
        overdueActivities: everything.filter((f) => f.kind === 'overdue-activity').length,
        stalledDeals: everything.filter((f) => f.kind === 'stalled-deal').length,
        missingHandoffs: everything.flatMap((f) =>
          f.kind === 'missing-handoff'
            ? [
                {
                  dealId: f.dealId,
                  dealTitle: f.dealTitle,
                  ownerId: f.ownerId,
                  owner: person(f.ownerId),
                  wonAt: f.wonAt,
                },
              ]
            : [],
        ),
      }
    : null;
  const teamHasWork =
    team !== null &&
    team.overdueNextActions +
      team.overdueTasks +
      team.overdueActivities +
      team.stalledDeals +
      team.missingHandoffs.length >
      0;
  if (
    !overdueNextActions.length &&
    !overdueTasks.length &&
    !overdueActivities.length &&
    !stalledDeals.length &&
    !projectsAtRisk.length &&
    !tasksDueToday.length &&
    !disabledWebhookEndpoints.length &&
    !news.length &&
    !teamHasWork
  )
    return null;
  return {
    userId: profile.id,
    email: profile.email ?? null,
    name: profile.name ?? null,
    localDate: date,
    timeZone: profile.timeZone,
    overdueNextActions,
    tasksDueToday,
    overdueTasks,
    stalledDeals,
    overdueActivities,
    projectsAtRisk,
    disabledWebhookEndpoints,
    deliveryNews: news
      .filter((n) => n.userId === profile.id)
      .sort((a, b) => a.at.localeCompare(b.at))
      .map(({ id: _id, userId: _u, ...n }) => n),
    team: teamHasWork ? team : null,
  };
}
