import type { SessionDetail } from './api.ts';
import { h } from './dom.ts';
import uPlot from './vendor/uplot.js';

/** Colours of the lines: dark enough on white for text beside them (≥ 4.5:1). */
const ENERGY_COLOUR = '#0b57d0';
const POWER_COLOUR = '#146c2e';
const LIMIT_COLOUR = '#b3261e';

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** The limit in kW (a profile in W), or undefined when it is in A: it is told, not drawn. */
function limitInKw(limit: SessionDetail['limit']): Array<{ at: number; kw: number }> {
  if (limit?.unit !== 'W') return [];
  return limit.steps.map((s) => ({ at: seconds(s.at), kw: s.limit / 1000 }));
}

/** The value of steps at `x`: the last step at or before it. */
function stepAt(steps: Array<{ at: number; kw: number }>, x: number): number | null {
  let value: number | null = null;
  for (const step of steps) if (step.at <= x) value = step.kw;
  return value;
}

/** What the chart shows, in words, for those who do not see the lines. */
function summary(detail: SessionDetail): string {
  const { session, points, limit } = detail;
  const peak = Math.max(0, ...points.map((p) => p.kw ?? 0));
  const parts = [`Session ${session.id}: ${session.kwh} kWh charged`];
  if (peak > 0) parts.push(`power up to ${peak} kW`);
  const last = limit?.steps.at(-1);
  if (limit && last) parts.push(`charging profile limit ${last.limit} ${limit.unit}`);
  return `${parts.join('; ')}.`;
}

/**
 * A session's energy (kWh, left axis) and power (kW, right axis) over time, with its
 * charging profile's limit drawn over the power as steps.
 */
export function sessionChart(detail: SessionDetail): { element: HTMLElement; destroy(): void } {
  const holder = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const caption = h('figcaption', { id: 'session-chart-summary' }, summary(detail));
  const element = h('figure', { class: 'chart-figure' }, holder, caption);
  const limit = limitInKw(detail.limit);
  const xs = [...new Set([...detail.points.map((p) => seconds(p.at)), ...limit.map((s) => s.at)])].sort(
    (a, b) => a - b,
  );
  const byTime = new Map(detail.points.map((p) => [seconds(p.at), p]));
  const data: uPlot.AlignedData = [
    xs,
    xs.map((x) => byTime.get(x)?.kwh ?? null),
    xs.map((x) => byTime.get(x)?.kw ?? null),
    xs.map((x) => stepAt(limit, x)),
  ];
  const plot = new uPlot(
    {
      width: 720,
      height: 240,
      series: [
        {},
        { label: 'energy (kWh)', stroke: ENERGY_COLOUR, width: 2, scale: 'kwh', spanGaps: true },
        {
          label: 'power (kW)',
          stroke: POWER_COLOUR,
          width: 2,
          scale: 'kw',
          spanGaps: true,
          // A period's power holds until the next period.
          paths: uPlot.paths.stepped?.({ align: 1 }),
        },
        {
          label: 'limit (kW)',
          stroke: LIMIT_COLOUR,
          width: 2,
          dash: [6, 4],
          scale: 'kw',
          spanGaps: true,
          paths: uPlot.paths.stepped?.({ align: 1 }),
        },
      ],
      scales: {
        x: { time: true },
        kwh: { range: (_plot, _min, max) => [0, Math.max(1, max)] },
        kw: { range: (_plot, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { stroke: '#1a1d21' },
        { stroke: '#1a1d21', scale: 'kwh', label: 'kWh' },
        { stroke: '#1a1d21', scale: 'kw', side: 1, label: 'kW', grid: { show: false } },
      ],
      legend: { show: true },
    },
    data,
    holder,
  );
  return { element, destroy: () => plot.destroy() };
}
