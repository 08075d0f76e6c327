import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { useChosenPipeline } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { majorFromMinor, money, totals } from '../ui/format.js';
import { PeopleOptions, PipelineSelect } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// Reports: each chart over the numbers it draws (a table, for reading and for screen readers).
// This module and recharts load only when the reports open (a chunk of their own).

type Totals = { currency: string; amount: number }[];
/** A chart plots one currency: the first of the pipeline's (the tables list every one). */
const amountIn = (values: Totals, currency: string | undefined) =>
  values.find((v) => v.currency === currency)?.amount ?? 0;

/** An axis tick in the currency, short (€120K): the API's amounts are in minor units (cents). */
const axisMoney = (currency: string | undefined) => {
  if (!currency) return (v: number) => String(v);
  const format = new Intl.NumberFormat(undefined, { style: 'currency', currency, notation: 'compact' });
  return (minor: number) => format.format(majorFromMinor(minor, currency));
};
/** A tooltip's amount in full (€120,000.00). */
const tooltipMoney = (currency: string | undefined) => (minor: unknown) =>
  currency ? money({ amount: Number(minor), currency }) : String(minor);

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <figure className="chart" aria-label={title}>
      <ResponsiveContainer width="100%" height={240}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

export default function Reports() {
  const { client, userId } = useSession();
  const { manage } = useAbilities();
  const { pipelines, pipeline, choose: setPipelineId } = useChosenPipeline();
  const [ownerId, setOwnerId] = useState(manage ? '' : userId);
  const query = { pipelineId: pipeline?.id ?? '', ...(ownerId ? { ownerId } : {}) };
  const enabled = pipeline !== undefined;
  const key = (name: string) => ['report', name, query];
  const pipelineReport = useQuery({
    queryKey: key('pipeline'),
    queryFn: () => answer(client.GET('/reports/pipeline', { params: { query } })),
    enabled,
  });
  const forecast = useQuery({
    queryKey: key('forecast'),
    queryFn: () => answer(client.GET('/reports/forecast', { params: { query } })),
    enabled,
  });
  const conversion = useQuery({
    queryKey: key('conversion'),
    queryFn: () => answer(client.GET('/reports/conversion', { params: { query } })),
    enabled,
  });
  const sources = useQuery({
    queryKey: key('sources'),
    queryFn: () => answer(client.GET('/reports/sources', { params: { query } })),
    enabled,
  });
  const stalled = useQuery({
    queryKey: key('stalled'),
    queryFn: () => answer(client.GET('/reports/stalled', { params: { query } })),
    enabled,
  });
  const currency = pipelineReport.data?.total.value[0]?.currency;

  return (
    <div className="reports">
      <div className="toolbar">
        <h1>Reports</h1>
        <PipelineSelect
          pipelines={pipelines.data ?? []}
          value={pipeline?.id ?? ''}
          onChange={setPipelineId}
        />
        {manage && (
          <label>
            Whose{' '}
            <select value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
              <option value="">the team</option>
              <PeopleOptions />
            </select>
          </label>
        )}
      </div>
      <ProblemAlert
        error={pipelineReport.error ?? forecast.error ?? conversion.error ?? sources.error ?? stalled.error}
        loading="the reports"
        onRetry={() => {
          for (const q of [pipelineReport, forecast, conversion, sources, stalled])
            if (q.isError) void q.refetch();
        }}
      />

      <section aria-labelledby="r-pipeline">
        <h2 id="r-pipeline">Pipeline by stage</h2>
        {pipelineReport.data && (
          <>
            <Chart title={`Open value by stage${currency ? ` (${currency})` : ''}`}>
              <BarChart
                data={pipelineReport.data.stages.map((s) => ({
                  name: s.name,
                  value: amountIn(s.value, currency),
                  weighted: amountIn(s.weightedValue, currency),
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis width={88} tickFormatter={axisMoney(currency)} />
                <Tooltip formatter={tooltipMoney(currency)} />
                <Legend />
                <Bar dataKey="value" name="value" fill="#3b6fd8" />
                <Bar dataKey="weighted" name="weighted" fill="#1e8a5a" />
              </BarChart>
            </Chart>
            <table>
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Open deals</th>
                  <th scope="col">Value</th>
                  <th scope="col">Weighted</th>
                  <th scope="col">Avg. days in stage</th>
                </tr>
              </thead>
              <tbody>
                {pipelineReport.data.stages.map((s) => (
                  <tr key={s.stageId}>
                    <th scope="row">{s.name}</th>
                    <td>{s.openDeals}</td>
                    <td>{totals(s.value)}</td>
                    <td>{totals(s.weightedValue)}</td>
                    <td>{s.averageDaysInStage ?? '–'}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">Total</th>
                  <td>{pipelineReport.data.total.openDeals}</td>
                  <td>{totals(pipelineReport.data.total.value)}</td>
                  <td>{totals(pipelineReport.data.total.weightedValue)}</td>
                  <td />
                </tr>
              </tbody>
            </table>
          </>
        )}
      </section>

      <section aria-labelledby="r-forecast">
        <h2 id="r-forecast">Weighted forecast by month</h2>
        {forecast.data && (
          <>
            <Chart title={`Weighted forecast by month${currency ? ` (${currency})` : ''}`}>
              <BarChart
                data={forecast.data.months.map((m) => ({
                  month: m.month,
                  weighted: amountIn(m.weightedValue, currency),
                  won: amountIn(m.won.value, currency),
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="month" />
                <YAxis width={88} tickFormatter={axisMoney(currency)} />
                <Tooltip formatter={tooltipMoney(currency)} />
                <Legend />
                <Bar dataKey="weighted" name="weighted open" fill="#3b6fd8" />
                <Bar dataKey="won" name="won" fill="#1e8a5a" />
              </BarChart>
            </Chart>
            <table>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col">Open deals</th>
                  <th scope="col">Weighted</th>
                  <th scope="col">Won</th>
                </tr>
              </thead>
              <tbody>
                {forecast.data.months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{m.month}</th>
                    <td>{m.openDeals}</td>
                    <td>{totals(m.weightedValue)}</td>
                    <td>
                      {m.won.deals} · {totals(m.won.value)}
                    </td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">Overdue (past close date)</th>
                  <td>{forecast.data.overdue.openDeals}</td>
                  <td>{totals(forecast.data.overdue.weightedValue)}</td>
                  <td />
                </tr>
                <tr>
                  <th scope="row">No close date</th>
                  <td>{forecast.data.undated.openDeals}</td>
                  <td>{totals(forecast.data.undated.weightedValue)}</td>
                  <td />
                </tr>
              </tbody>
            </table>
          </>
        )}
      </section>

      <section aria-labelledby="r-conversion">
        <h2 id="r-conversion">Conversion</h2>
        {conversion.data && (
          <>
            <p>
              {conversion.data.created} created, {conversion.data.won} won, {conversion.data.lost} lost, win
              rate {conversion.data.winRate === null ? '–' : `${Math.round(conversion.data.winRate * 100)}%`}
            </p>
            <Chart title="Deals that reached each stage">
              <BarChart data={conversion.data.stages.map((s) => ({ name: s.name, reached: s.reached }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="reached" name="reached" fill="#3b6fd8" />
              </BarChart>
            </Chart>
            <table>
              <thead>
                <tr>
                  <th scope="col">Stage</th>
                  <th scope="col">Reached</th>
                  <th scope="col">To next stage</th>
                  <th scope="col">Won from here</th>
                  <th scope="col">Lost from here</th>
                </tr>
              </thead>
              <tbody>
                {conversion.data.stages.map((s) => (
                  <tr key={s.stageId}>
                    <th scope="row">{s.name}</th>
                    <td>{s.reached}</td>
                    <td>{s.toNextStage === null ? '–' : `${Math.round(s.toNextStage * 100)}%`}</td>
                    <td>{s.wonFromHere}</td>
                    <td>{s.lostFromHere}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="hint">
              A deal reached a stage if it was ever in it or in a later one (a deal that skipped a stage
              reached it too). “To next stage” is the share of the deals that reached a stage that also
              reached the next, so it is never over 100%.
            </p>
          </>
        )}
      </section>

      <section aria-labelledby="r-sources">
        <h2 id="r-sources">Lead sources</h2>
        {sources.data && (
          <>
            <Chart title="Deals by lead source">
              <BarChart
                data={sources.data.sources.map((s) => ({
                  source: s.leadSource ?? 'none',
                  created: s.created,
                  won: s.won,
                }))}
              >
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="source" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar dataKey="created" name="created" fill="#3b6fd8" />
                <Bar dataKey="won" name="won" fill="#1e8a5a" />
              </BarChart>
            </Chart>
            <table>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Created</th>
                  <th scope="col">Won</th>
                  <th scope="col">Win rate</th>
                  <th scope="col">Won value</th>
                </tr>
              </thead>
              <tbody>
                {sources.data.sources.map((s) => (
                  <tr key={s.leadSource ?? 'none'}>
                    <th scope="row">{s.leadSource ?? 'none'}</th>
                    <td>{s.created}</td>
                    <td>{s.won}</td>
                    <td>{s.winRate === null ? '–' : `${Math.round(s.winRate * 100)}%`}</td>
                    <td>{totals(s.wonValue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <section aria-labelledby="r-stalled">
        <h2 id="r-stalled">Stalled deals</h2>
        {stalled.data && (
          <table>
            <thead>
              <tr>
                <th scope="col">Deal</th>
                <th scope="col">Stage</th>
                <th scope="col">Days in stage</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {stalled.data.stages.flatMap((s) =>
                s.items.map((d) => (
                  <tr key={d.dealId}>
                    <th scope="row">
                      <Link href={`/deals/${d.dealId}`}>{d.title}</Link>
                    </th>
                    <td>{s.name}</td>
                    <td>{d.daysInStage}</td>
                    <td>{totals([d.value])}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
        {stalled.data?.total.deals === 0 && <p>No deal is stalled.</p>}
      </section>
    </div>
  );
}
