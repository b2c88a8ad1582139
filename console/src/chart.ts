import { h } from './dom.ts';
import uPlot from './vendor/uplot.js';

export interface DepthPoint {
  at: string;
  pending: number;
  deadLetters: number;
}

/** Colours of the chart's lines: dark enough on white for text beside them (≥ 4.5:1). */
const PENDING_COLOUR = '#0b57d0';
const DEAD_COLOUR = '#b3261e';

/**
 * The outbox's depth over the last hour (uPlot, served from this node), with a text
 * summary for those who do not see the lines.
 */
export class DepthChart {
  readonly element: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly plotHolder: HTMLElement;
  private plot: uPlot | undefined;
  private points: DepthPoint[] = [];

  constructor() {
    this.summary = h('figcaption', {});
    this.plotHolder = h('div', { class: 'chart', 'aria-hidden': 'true' });
    this.element = h('figure', { class: 'chart-figure' }, this.plotHolder, this.summary);
  }

  set(points: DepthPoint[]): void {
    this.points = points.slice(-360);
    this.draw();
  }

  add(point: DepthPoint): void {
    this.set([...this.points, point]);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }

  private draw(): void {
    const hourAgo = Date.now() / 1000 - 3600;
    const shown = this.points.filter((p) => Date.parse(p.at) / 1000 >= hourAgo);
    const data: uPlot.AlignedData = [
      shown.map((p) => Date.parse(p.at) / 1000),
      shown.map((p) => p.pending),
      shown.map((p) => p.deadLetters),
    ];
    const peak = Math.max(0, ...shown.map((p) => p.pending));
    const last = shown.at(-1);
    this.summary.textContent = last
      ? `Outbox depth over the last hour: ${last.pending} waiting now, at most ${peak}; ${last.deadLetters} dead letters.`
      : 'Outbox depth over the last hour: no samples yet.';
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    this.plot = new uPlot(
      {
        width: Math.max(320, this.plotHolder.clientWidth || 640),
        height: 200,
        series: [
          {},
          { label: 'waiting', stroke: PENDING_COLOUR, width: 2 },
          { label: 'dead letters', stroke: DEAD_COLOUR, width: 2 },
        ],
        // Always the last hour, from zero up: one sample does not stretch the axis to years.
        scales: {
          x: { time: true, range: () => [Date.now() / 1000 - 3600, Date.now() / 1000] },
          y: { range: (_plot, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [{ stroke: '#1a1d21' }, { stroke: '#1a1d21' }],
        legend: { show: true },
      },
      data,
      this.plotHolder,
    );
  }
}
