import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { ValidationFailed } from '../shared/errors.js';
import { type BudgetLine, burnOfLine, isTimeUnit } from './budget-lines.js';

// Logging time against the budget lines a win made (budget-lines.ts says what they are).

/**
 * The budget line time is logged against: the one named (a line of hours or days of the
 * project), else the project's only such line, else none.
 */
export function lineToBurn(lines: BudgetLine[] | undefined, named: string | undefined): string | undefined {
  const timed = (lines ?? []).filter((l) => isTimeUnit(l.unit));
  if (named === undefined) return timed.length === 1 ? timed[0]!.id : undefined;
  const line = (lines ?? []).find((l) => l.id === named);
  if (!line)
    throw new ValidationFailed([{ path: 'budgetLineId', message: `is not a budget line of this project` }]);
  if (!isTimeUnit(line.unit))
    throw new ValidationFailed([
      {
        path: 'budgetLineId',
        message: `line "${line.name}" is sold per ${line.unit}: time burns lines of hours or days`,
      },
    ]);
  return line.id;
}

/**
 * Minutes logged (or taken back, negative) on a line: the lines after it, and BudgetLineExceeded
 * when the line first goes over what was sold.
 */
export function burnLine(
  projectId: string,
  lines: BudgetLine[],
  lineId: string | undefined,
  minutes: number,
  ctx: CommandContext,
): { lines: BudgetLine[]; events: DomainEvent[] } {
  if (!lineId) return { lines, events: [] };
  const events: DomainEvent[] = [];
  const next = lines.map((line) => {
    if (line.id !== lineId) return line;
    const after: BudgetLine = { ...line, actualMinutes: Math.max(0, line.actualMinutes + minutes) };
    const burn = burnOfLine(after);
    if (!burn.overBudget || line.exceededAt) return after;
    events.push(
      emit(ctx, 'BudgetLineExceeded', {
        projectId,
        line: { id: line.id, name: line.name, unit: line.unit, quantity: line.quantity, amount: line.amount },
        actualQuantity: burn.actualQuantity!,
        actualAmount: burn.actualAmount!,
      }),
    );
    return { ...after, exceededAt: ctx.now };
  });
  return { lines: next, events };
}
