import { describe, expect, it } from 'vitest';
import { deliveryState } from '../../../domain/delivery/delivery-state.js';
import { planNewProject } from '../../../domain/delivery/project.commands.js';
import type { Project, Task } from '../../../domain/delivery/project.js';
import { defaultTemplate } from '../../../domain/delivery/template.js';
import { decideCustomerApproval, type PortalViewer } from '../../../domain/portal/customer-actions.js';
import { createPortalLink, linkStatus, revokePortalLink } from '../../../domain/portal/portal-link.js';
import { portalView } from '../../../domain/portal/portal-view.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../../domain/shared/errors.js';
import { planTaskId } from '../../../domain/shared/ids.js';
import { alice, context, dana, manager } from '../support.js';

// The customer portal's rules as pure functions: who shares with whom and for how long, what
// the customer sees (nothing internal), and what they may decide.

const NOW = '2030-01-02T09:00:00.000Z';
const carol = { id: 'ct_carol', companyId: 'co_acme', firstName: 'Carol', lastName: 'Client', emails: [] };
const eve = { id: 'ct_eve', companyId: 'co_beta', firstName: 'Eve', emails: [] };

function planned(): { project: Project; tasks: Task[] } {
  const projectId = 'prj_0001';
  const { project, tasks } = planNewProject(
    {
      projectId,
      name: 'Rollout',
      kickoffDate: '2030-01-07',
      promisedDueDate: '2030-06-28',
      ownerId: dana.userId,
      customer: { companyId: 'co_acme', mainStakeholderContactId: carol.id },
      template: defaultTemplate('2029-12-01T00:00:00.000Z'),
      taskId: (key) => planTaskId(projectId, key),
    },
    context(dana),
  );
  const first = tasks[0]!;
  return {
    project,
    tasks: [
      ...tasks,
      { ...first, id: 'task_internal', title: 'Margin review', kind: 'task', internal: true },
      {
        ...first,
        id: 'task_signoff',
        title: 'Customer sign-off',
        kind: 'task',
        approval: { approverContactId: carol.id, status: 'pending' },
      },
      {
        ...first,
        id: 'task_daves',
        title: 'Budget sign-off',
        kind: 'task',
        approval: { approverContactId: 'ct_dave', status: 'pending' },
      },
    ] as Task[],
  };
}

const viewer: PortalViewer = {
  linkId: 'plk_1',
  sessionId: 'pss_1',
  projectId: 'prj_0001',
  contactId: carol.id,
  contactName: 'Carol Client',
};

describe('portal links', () => {
  it('its delivery owner and managers share with the customer’s contacts; a rep, another customer’s contact, or too long a link are refused', () => {
    const { project } = planned();
    const made = createPortalLink(
      project,
      carol as never,
      { contactId: carol.id },
      'plk_1',
      context(dana, NOW),
    );
    expect(made.link).toMatchObject({ contactName: 'Carol Client', expiresAt: '2030-02-01T09:00:00.000Z' });
    expect(made.events.map((e) => e.detailType)).toEqual(['PortalLinkCreated']);
    expect(() =>
      createPortalLink(project, carol as never, { contactId: carol.id }, 'plk_2', context(manager, NOW)),
    ).not.toThrow();
    expect(() =>
      createPortalLink(project, carol as never, { contactId: carol.id }, 'plk_3', context(alice, NOW)),
    ).toThrow(Forbidden);
    expect(() =>
      createPortalLink(project, eve as never, { contactId: eve.id }, 'plk_4', context(dana, NOW)),
    ).toThrow(ValidationFailed);
    expect(() =>
      createPortalLink(
        project,
        carol as never,
        { contactId: carol.id, expiresAt: '2031-01-01T00:00:00.000Z' },
        'plk_5',
        context(dana, NOW),
      ),
    ).toThrow(/at most 180 days/);
  });

  it('a link is active until it expires or is revoked, and is revoked once', () => {
    const { project } = planned();
    const { link } = createPortalLink(
      project,
      carol as never,
      { contactId: carol.id },
      'plk_1',
      context(dana, NOW),
    );
    expect(linkStatus(link, NOW)).toBe('active');
    expect(linkStatus(link, '2030-02-01T09:00:00.000Z')).toBe('expired');
    const revoked = revokePortalLink(project, link, context(dana, NOW)).link;
    expect(linkStatus(revoked, NOW)).toBe('revoked');
    expect(() => revokePortalLink(project, revoked, context(dana, NOW))).toThrow(Conflict);
  });
});

describe('what the customer sees and decides', () => {
  it('the view holds no internal task, no one else’s approval, no costs or people', () => {
    const { project, tasks } = planned();
    const view = portalView(project, tasks, viewer, [], [], '2030-01-02');
    const text = JSON.stringify(view);
    for (const hidden of ['Margin review', 'Budget sign-off', 'budget', dana.userId, 'assignee'])
      expect(text, hidden).not.toContain(hidden);
    expect(view.waitingOnYou.map((w) => w.taskId)).toEqual(['task_signoff']);
    expect(view.promise).toMatchObject({ state: 'on_track', promisedDate: '2030-06-28' });
  });

  it('the customer decides only their own approval of their project: 404 for internal or unknown, 403 for another contact’s', () => {
    const { project, tasks } = planned();
    const ctx = context({ userId: `contact:${carol.id}`, roles: [] }, NOW);
    expect(() =>
      decideCustomerApproval(project, tasks, viewer, 'task_internal', { decision: 'approved' }, ctx),
    ).toThrow(NotFound);
    expect(() =>
      decideCustomerApproval(project, tasks, viewer, 'task_nope', { decision: 'approved' }, ctx),
    ).toThrow(NotFound);
    expect(() =>
      decideCustomerApproval(project, tasks, viewer, 'task_daves', { decision: 'approved' }, ctx),
    ).toThrow(Forbidden);
    const rejected = decideCustomerApproval(
      project,
      tasks,
      viewer,
      'task_signoff',
      { decision: 'rejected', comment: 'Not the right scope' },
      ctx,
    );
    expect(rejected.changed[0]).toMatchObject({
      status: 'blocked',
      approval: { decidedBy: `contact:${carol.id}` },
    });
    expect(rejected.events.map((e) => e.detailType)).toEqual(
      expect.arrayContaining(['ApprovalDecided', 'CustomerApprovalGiven']),
    );
    expect(rejected.log).toMatchObject({
      kind: 'approval-decided',
      by: `contact:${carol.id}`,
      decision: 'rejected',
    });
  });

  it('the deal’s view counts what waits on any contact of the customer, and names the next milestone', () => {
    const { project, tasks } = planned();
    const state = deliveryState(project, tasks, '2030-01-02');
    expect(state.waitingOnCustomer.map((w) => w.taskId).sort()).toEqual(['task_daves', 'task_signoff']);
    expect(state.nextMilestone).toMatchObject({ status: 'upcoming' });
    expect(state.percentComplete).toBe(0);
  });
});
