// The console's charts: a thin wrapper over the vendored uPlot (vendor/uplot, loaded by the page as a classic script
// before its module, since uPlot ships as an IIFE defining window.uPlot). Pages pass rows; this picks the time column
// and the numeric series, so a page does not know uPlot's data layout.

/** Seconds since the epoch from an RFC 3339 string or a number (ms or s). */
function seconds(v) {
  if (typeof v === 'number') return v > 1e12 ? v / 1000 : v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t / 1000;
}

/**
 * A line chart of rows over time.
 * @param container the element to draw into
 * @param rows objects with a time field and numeric fields
 * @param opts {title, time: 'ts', series: ['requests', …], width, height}
 * @returns the uPlot instance, or null when there is nothing to draw
 */
export function lineChart(container, rows, opts = {}) {
  const uPlot = window.uPlot;
  if (!uPlot || !rows.length) return null;
  const time = opts.time || Object.keys(rows[0]).find((k) => seconds(rows[0][k]) !== null && /^(ts|time|t|at|from|bucket)$/.test(k));
  if (!time) return null;
  const names = opts.series || Object.keys(rows[0]).filter((k) => k !== time && typeof rows[0][k] === 'number');
  const sorted = [...rows].sort((a, b) => seconds(a[time]) - seconds(b[time]));
  const data = [sorted.map((r) => seconds(r[time])), ...names.map((n) => sorted.map((r) => (typeof r[n] === 'number' ? r[n] : null)))];
  const palette = ['#0b5cad', '#a40e26', '#1a7f37', '#8250df', '#bc4c00'];
  return new uPlot({
    title: opts.title,
    width: opts.width || Math.max(320, container.clientWidth || 800),
    height: opts.height || 260,
    series: [{}, ...names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 2 }))],
    axes: [{}, { size: 60 }],
  }, data, container);
}

const PALETTE = ['#0b5cad', '#a40e26', '#1a7f37', '#8250df', '#bc4c00', '#1b7c83', '#6e7781', '#bf3989'];

/**
 * A chart of series the page computed: times in seconds, each series {label, values, dash, fill}. With stacked, each
 * series is drawn on top of the ones before it (values summed), the biggest first so every band stays visible.
 */
export function seriesChart(container, times, series, opts = {}) {
  const uPlot = window.uPlot;
  if (!uPlot || !times.length || !series.length) return null;
  let shown = series;
  if (opts.stacked) {
    const sums = times.map(() => 0);
    shown = series.map((s) => ({ ...s, values: s.values.map((v, i) => (sums[i] += v || 0)) })).reverse();
  }
  const colour = (i) => PALETTE[(opts.stacked ? shown.length - 1 - i : i) % PALETTE.length];
  return new uPlot({
    title: opts.title,
    width: opts.width || Math.max(320, container.clientWidth || 800),
    height: opts.height || 220,
    series: [{}, ...shown.map((s, i) => ({
      label: s.label, stroke: colour(i), width: 2, dash: s.dash, spanGaps: s.spanGaps,
      fill: opts.stacked ? colour(i) + '55' : undefined,
      value: opts.value,
    }))],
    axes: [{}, { size: 70 }],
  }, [times, ...shown.map((s) => s.values)], container);
}

/** Seconds since the epoch of an RFC 3339 time. */
export const secondsOf = (t) => Date.parse(t) / 1000;
