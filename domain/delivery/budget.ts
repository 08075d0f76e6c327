import type { Project } from './project.js';

// Budget burn: logged hours against budgeted hours, and their cost (at the project's rate)
// against a budgeted amount in the same currency. No currency conversion: a rate in another
// currency than the budget gives no cost burn.

export interface Burn {
  /** Fraction of budgeted hours used; null without an hours budget. */
  hours: number | null;
  /** Fraction of the budgeted amount used; null without an amount, a rate, or one currency. */
  cost: number | null;
  actualHours: number;
  estimatedHours: number;
  actualCost: { amount: number; currency: string } | null;
}

export function burnOf(project: Pick<Project, 'budget' | 'hourlyRate' | 'totals'>): Burn {
  const actualHours = project.totals.actualMinutes / 60;
  const actualCost = project.hourlyRate
    ? {
        amount: Math.round((project.totals.actualMinutes * project.hourlyRate.amount) / 60),
        currency: project.hourlyRate.currency,
      }
    : null;
  const hours = project.budget?.hours ? actualHours / project.budget.hours : null;
  const amount = project.budget?.amount;
  const cost =
    amount && amount.amount > 0 && actualCost && actualCost.currency === amount.currency
      ? actualCost.amount / amount.amount
      : null;
  return { hours, cost, actualHours, estimatedHours: project.totals.estimatedMinutes / 60, actualCost };
}

export function isOverBudget(burn: Burn): boolean {
  return (burn.hours ?? 0) > 1 || (burn.cost ?? 0) > 1;
}
