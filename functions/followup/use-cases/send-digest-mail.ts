import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Digest } from '../../../domain/followup/digest.js';
import { escapeHtml } from '../../lib/html.js';

// The digest as an email (SES v2): a plain-text and an HTML body with the same content, links
// to each deal and task when the deployment knows its front end's URL.

const late = (minutes: number) =>
  minutes >= 2880
    ? `${Math.floor(minutes / 1440)} days late`
    : minutes >= 120
      ? `${Math.floor(minutes / 60)} hours late`
      : `${minutes} min late`;

const called = (p: { id: string; name: string | null }) => p.name ?? p.id;

/** Who is who on a project at risk, from the reader's side: who runs it, who made the promise. */
function roles(p: Digest['projectsAtRisk'][number]): string {
  const delivery = p.deliveryOwner;
  const deal = p.dealOwner;
  if (p.role === 'project-owner')
    return deal && deal.id !== delivery?.id
      ? `you deliver it; ${called(deal)} sold it and made the promise`
      : 'you deliver it';
  return delivery
    ? `you sold it and made the promise; ${called(delivery)} delivers it`
    : 'you sold it and made the promise';
}

interface Line {
  text: string;
  href?: string | undefined;
}

export function renderDigest(d: Digest, appUrl?: string): { subject: string; text: string; html: string } {
  const link = (path: string) => (appUrl ? `${appUrl.replace(/\/$/, '')}${path}` : undefined);
  const sections: { title: string; lines: Line[] }[] = [
    {
      title: 'Next actions that are late',
      lines: d.overdueNextActions.map((a) => ({
        text: `${a.dealTitle}: ${a.summary} (${late(a.minutesLate)})`,
        href: link(`/deals/${a.dealId}`),
      })),
    },
    {
      title: 'Tasks due today',
      lines: d.tasksDueToday.map((t) => ({
        text: `${t.title} (due ${t.dueDate})`,
        href: link(`/tasks/${t.taskId}`),
      })),
    },
    {
      title: 'Tasks that are late',
      lines: d.overdueTasks.map((t) => ({
        text: `${t.title} (due ${t.dueDate}, ${late(t.minutesLate)})`,
        href: link(`/tasks/${t.taskId}`),
      })),
    },
    {
      title: 'CRM tasks that are late',
      lines: d.overdueActivities.map((a) => ({
        text: `${a.subject} (due ${a.dueAt}, ${late(a.minutesLate)})`,
        href: link(a.dealId ? `/deals/${a.dealId}` : `/activities/${a.activityId}`),
      })),
    },
    {
      title: 'Projects that will miss their promise',
      lines: (d.projectsAtRisk ?? []).map((p) => ({
        text: `${p.projectName}: finishes ${p.projectedFinish}, promised ${p.promisedDueDate} (${p.shortfallDays} business day(s) late); ${roles(p)}`,
        href: link(`/projects/${p.projectId}`),
      })),
    },
    {
      title: 'News from delivery',
      lines: (d.deliveryNews ?? []).map((n) => ({
        text:
          n.kind === 'milestone-reached'
            ? `${n.projectName}: ${n.title} reached`
            : n.kind === 'back-on-track'
              ? `${n.projectName}: back on track, ${n.title}`
              : `${n.projectName}: the customer ${n.kind === 'customer-approved' ? 'approved' : 'rejected'} ${n.title}${n.comment ? ` (“${n.comment}”)` : ''}`,
        href: link(n.dealId ? `/deals/${n.dealId}` : `/projects/${n.projectId}`),
      })),
    },
    {
      title: 'Webhook endpoints Handoff stopped sending to',
      lines: (d.disabledWebhookEndpoints ?? []).map((w) => ({
        text: `${w.origin}: ${w.reason === 'gone' ? 'it answered 410 Gone' : 'every delivery failed for over 3 days'} (since ${w.disabledAt}); fix it, enable it, then replay what it missed`,
        href: link('/admin#webhooks'),
      })),
    },
    {
      title: 'Deals stalled in their stage',
      lines: d.stalledDeals.map((s) => ({
        text: `${s.dealTitle}: ${s.daysInStage} days in ${s.stageName ?? s.stageId}`,
        href: link(`/deals/${s.dealId}`),
      })),
    },
  ];
  if (d.team) {
    sections.push({
      title: 'Your team',
      lines: [
        {
          text: `${d.team.overdueNextActions} late next action(s), ${d.team.overdueTasks} late task(s), ${d.team.overdueActivities} late CRM task(s), ${d.team.stalledDeals} stalled deal(s)`,
        },
        ...d.team.missingHandoffs.map((m) => ({
          text: `Won, no project yet: ${m.dealTitle} (owner ${m.owner?.name ?? m.ownerId}, won ${m.wonAt.slice(0, 10)})`,
          href: link(`/deals/${m.dealId}`),
        })),
      ],
    });
  }
  const shown = sections.filter((s) => s.lines.length > 0);
  const count =
    d.overdueNextActions.length +
    d.tasksDueToday.length +
    d.overdueTasks.length +
    d.overdueActivities.length +
    (d.projectsAtRisk ?? []).length +
    (d.disabledWebhookEndpoints ?? []).length +
    (d.deliveryNews ?? []).length +
    d.stalledDeals.length;
  const teamCount = d.team
    ? d.team.overdueNextActions +
      d.team.overdueTasks +
      d.team.overdueActivities +
      d.team.stalledDeals +
      d.team.missingHandoffs.length
    : 0;
  const subject =
    count > 0
      ? `Handoff: ${count} thing(s) to follow up on ${d.localDate}`
      : `Handoff: your team has ${teamCount} late item(s) on ${d.localDate}`;
  const greeting = `Good morning${d.name ? ` ${d.name}` : ''},`;
  const text = [
    greeting,
    '',
    ...shown.flatMap((s) => [
      s.title,
      ...s.lines.map((l) => `  - ${l.text}${l.href ? ` <${l.href}>` : ''}`),
      '',
    ]),
    'Handoff',
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif"><p>${escapeHtml(greeting)}</p>${shown
    .map(
      (s) =>
        `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines
          .map(
            (l) =>
              `<li>${l.href ? `<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>` : escapeHtml(l.text)}</li>`,
          )
          .join('')}</ul>`,
    )
    .join('')}<p>Handoff</p></body></html>`;
  return { subject, text, html };
}

export async function sendDigest(
  ses: SESv2Client,
  from: string,
  digest: Digest,
  appUrl?: string,
): Promise<boolean> {
  if (!digest.email) return false;
  const { subject, text, html } = renderDigest(digest, appUrl);
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [digest.email] },
      Content: {
        Simple: { Subject: { Data: subject }, Body: { Text: { Data: text }, Html: { Data: html } } },
      },
    }),
  );
  return true;
}
