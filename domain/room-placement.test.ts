/** Placing new video rooms over several Janus servers. */
import { leastLoadedServer } from './room-placement';

const A = 'ws://janus-a:8188';
const B = 'ws://janus-b:8188';
const C = 'ws://janus-c:8188';

it('one server takes every room', () => {
  expect(leastLoadedServer([A], {})).toBe(A);
  expect(leastLoadedServer([A], { [A]: 40 })).toBe(A);
});

it('a new room goes to the server with the fewest open rooms', () => {
  expect(leastLoadedServer([A, B, C], { [A]: 3, [B]: 1, [C]: 2 })).toBe(B);
  expect(leastLoadedServer([A, B, C], { [A]: 3, [B]: 1 })).toBe(C);
});

it('equal servers fill in turn, in configured order', () => {
  const open: Record<string, number> = {};
  const placed = Array.from({ length: 6 }, () => {
    const s = leastLoadedServer([A, B, C], open);
    open[s] = (open[s] ?? 0) + 1;
    return s;
  });
  expect(placed).toEqual([A, B, C, A, B, C]);
});

it('rooms on a server no longer configured do not count, and no server is an error', () => {
  expect(leastLoadedServer([A, B], { 'ws://gone:8188': 0, [A]: 1, [B]: 1 })).toBe(A);
  expect(() => leastLoadedServer([], {})).toThrow(/no Janus server/);
});
