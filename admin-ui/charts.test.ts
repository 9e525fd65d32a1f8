/** The stacked bar chart's numbers: bars drawn from the values, and the same values as the chart's table. */
import { stackedBars } from './charts';

const SERIES = [
  { key: 'closed', label: 'Genomförda', cls: 's-closed' },
  { key: 'noShow', label: 'Uteblivna', cls: 's-noshow' },
];

it('gives every chart its numbers as a table: one row per bar, one column per series, 0 where a value is missing', () => {
  const chart = stackedBars(
    [
      { label: '2026-05', values: { closed: 3, noShow: 1 } },
      { label: '2026-06', values: { closed: 2 } },
    ],
    SERIES,
  );
  expect(chart.table).toEqual({
    columns: ['Genomförda', 'Uteblivna'],
    rows: [
      { label: '2026-05', cells: [3, 1], total: 4 },
      { label: '2026-06', cells: [2, 0], total: 2 },
    ],
  });
  expect(chart.bars.map((b) => b.total)).toEqual([4, 2]);
});

it('has an empty table when there is nothing to draw', () => {
  expect(stackedBars([], SERIES).table.rows).toEqual([]);
});
