import { createDeal as decide, withCompanyName } from '../../../domain/crm/deal.commands.js';
import type { Deal, NewDeal } from '../../../domain/crm/deal.js';
import type { Pipeline } from '../../../domain/crm/pipeline.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';
import { requireDealLinks } from './deal-links.js';

/**
 * The pipeline the body names. A body naming a record that does not exist is a 422 naming the
 * field, as for the deal's contact, company, owner and stage (docs/api.md), not a 404: the
 * path's resource is there, the request is what is wrong.
 */
async function namedPipeline(s: Pick<Services, 'pipelines'>, id: string): Promise<Pipeline> {
  const pipeline = await s.pipelines.get(id);
  if (!pipeline)
    throw new ValidationFailed([{ path: 'pipelineId', message: `pipeline ${id} does not exist` }]);
  return pipeline;
}

/** Opens a deal in its pipeline's first stage; without an owner, lead routing may give it one. */
export async function createDeal(
  s: Pick<Services, 'companies' | 'contacts' | 'deals' | 'leadRouting' | 'pipelines' | 'profiles' | 'store'>,
  body: NewDeal,
  input: CommandInput,
): Promise<Deal> {
  const { ctx, preconditions = [] } = input;
  await s.pipelines.ensureDefault(ctx.now);
  // A routing turn is taken only for a deal that could otherwise be created: it has its next action.
  const [pipeline, routed] = await Promise.all([
    body.pipelineId ? namedPipeline(s, body.pipelineId) : s.pipelines.requireDefault(),
    body.ownerId || !body.nextAction ? undefined : s.leadRouting.ownerFor(body),
  ]);
  return retryOnConflict(undefined, async () => {
    // the card shows the company's name: read with each attempt, checked again by the write
    const companyName = body.companyId ? await s.companies.nameOf(body.companyId) : undefined;
    const { deal, events } = withCompanyName(decide(body, pipeline, ctx, routed), companyName);
    const uow = s.deals
      .create(new UnitOfWork(), deal, events[0]!)
      .events(events)
      .add(...preconditions);
    requireDealLinks(uow, deal, s, ctx.actor);
    await uow.commit(s.store);
    return deal;
  });
}
