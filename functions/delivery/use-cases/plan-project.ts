import { workingCalendarOf } from '../../../domain/delivery/calendar.js';
import { planNewProject } from '../../../domain/delivery/project.commands.js';
import type { NewProject } from '../../../domain/delivery/project.js';
import { planTaskId } from '../../../domain/shared/ids.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import type { Write } from '../../lib/table/store.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Plans a project from a template and a kickoff date; the customer and owner it names must exist. */
export async function planProject(
  s: Pick<Services, 'calendar' | 'companies' | 'contacts' | 'profiles' | 'projects' | 'templates'>,
  body: NewProject,
  { ctx, preconditions = [] }: CommandInput,
) {
  await s.templates.ensureDefault(ctx.now);
  const [template, companyCalendar] = await Promise.all([
    body.templateId ? s.templates.require(body.templateId) : s.templates.requireDefault(),
    s.calendar.get(),
  ]);
  const projectId = ctx.newId('project');
  const { project, tasks, events } = planNewProject(
    {
      projectId,
      name: body.name,
      kickoffDate: body.kickoffDate,
      promisedDueDate: body.promisedDueDate,
      ownerId: body.ownerId ?? ctx.actor.userId,
      customer: body.customer,
      budget: body.budget,
      hourlyRate: body.hourlyRate,
      customFields: body.customFields,
      template,
      companyCalendar: workingCalendarOf(companyCalendar),
      taskId: (key) => planTaskId(projectId, key),
    },
    ctx,
  );
  const links: Write[] = [...preconditions];
  if (body.ownerId) links.push(...s.profiles.requireActive('ownerId', body.ownerId, ctx.actor));
  const uow = new UnitOfWork();
  const { companyId, mainStakeholderContactId } = body.customer;
  if (companyId) s.companies.requireExists(uow, companyId, 'customer.companyId');
  if (mainStakeholderContactId)
    s.contacts.requireExists(uow, mainStakeholderContactId, 'customer.mainStakeholderContactId');
  await s.projects.create(project, tasks, events, projectId, [...links, ...uow.writes]);
  return { project, tasks };
}
