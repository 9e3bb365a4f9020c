// The message-rate chart (uPlot): messages in, out and dropped per second over the last minutes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Totals } from './metrics.js';

/** Points kept: five minutes of scrapes two seconds apart. */
const POINTS = 150;

/** Rates per second between consecutive scrapes of the totals, charted as they come. */
export class RateChart {
  private readonly times: number[] = [];
  private readonly received: number[] = [];
  private readonly sent: number[] = [];
  private readonly dropped: number[] = [];
  private previous: { at: number; totals: Totals } | null = null;
  private readonly plot: uPlot;

  constructor(element: HTMLElement) {
    const options: uPlot.Options = {
      width: Math.max(320, element.clientWidth),
      height: 220,
      scales: { x: { time: true }, y: { range: (_plot, _min, max) => [0, Math.max(1, max * 1.1)] } },
      series: [
        {},
        { label: 'in', stroke: '#2f6fed', width: 2 },
        { label: 'out', stroke: '#1f9d55', width: 2 },
        { label: 'dropped', stroke: '#d64545', width: 2 },
      ],
      axes: [{}, { label: 'msg/s', size: 60 }],
    };
    this.plot = new uPlot(options, [[], [], [], []], element);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(320, element.clientWidth), height: 220 })).observe(
      element,
    );
  }

  /** Adds the rates since the previous scrape (none for the first, or after the router restarted). */
  add(at: number, totals: Totals): void {
    const previous = this.previous;
    this.previous = { at, totals };
    if (previous === null || totals.received < previous.totals.received) return;
    const seconds = (at - previous.at) / 1000;
    if (seconds <= 0) return;
    this.times.push(at / 1000);
    this.received.push((totals.received - previous.totals.received) / seconds);
    this.sent.push((totals.sent - previous.totals.sent) / seconds);
    this.dropped.push((totals.dropped - previous.totals.dropped) / seconds);
    for (const series of [this.times, this.received, this.sent, this.dropped]) {
      if (series.length > POINTS) series.shift();
    }
    this.plot.setData([this.times, this.received, this.sent, this.dropped]);
  }
}
