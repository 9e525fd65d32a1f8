/** Server-rendered SVG bar charts: coordinates computed here, drawn by the view; every chart has its table too. */

export interface StackedChart {
  width: number;
  height: number;
  bars: Array<{
    x: number;
    label: string;
    total: number;
    parts: Array<{ y: number; h: number; cls: string; title: string }>;
  }>;
  legend: Array<{ cls: string; label: string }>;
  /** The same numbers as a table (one row per bar, one column per series): the chart's text alternative. */
  table: { columns: string[]; rows: Array<{ label: string; cells: number[]; total: number }> };
}

/**
 * One stacked bar per group (e.g. month); each series a part of it.
 * @param series - key, Swedish label and CSS class per part
 */
export function stackedBars(
  groups: Array<{ label: string; values: Record<string, number> }>,
  series: Array<{ key: string; label: string; cls: string }>,
  opts: { barWidth?: number; gap?: number; height?: number } = {},
): StackedChart {
  const barWidth = opts.barWidth ?? 48;
  const gap = opts.gap ?? 24;
  const plot = opts.height ?? 180;
  const max = Math.max(1, ...groups.map((g) => series.reduce((a, s) => a + (g.values[s.key] ?? 0), 0)));
  const bars = groups.map((g, i) => {
    let top = plot;
    const parts = series
      .filter((s) => (g.values[s.key] ?? 0) > 0)
      .map((s) => {
        const v = g.values[s.key];
        const h = Math.max(1, Math.round((v / max) * plot));
        top -= h;
        return { y: top + 20, h, cls: s.cls, title: `${g.label}: ${s.label} ${v}` };
      });
    const total = series.reduce((a, s) => a + (g.values[s.key] ?? 0), 0);
    return { x: 40 + i * (barWidth + gap), label: g.label, total, parts };
  });
  return {
    width: 40 + groups.length * (barWidth + gap),
    height: plot + 60,
    bars,
    legend: series.map((s) => ({ cls: s.cls, label: s.label })),
    table: {
      columns: series.map((s) => s.label),
      rows: groups.map((g, i) => ({
        label: g.label,
        cells: series.map((s) => g.values[s.key] ?? 0),
        total: bars[i].total,
      })),
    },
  };
}
