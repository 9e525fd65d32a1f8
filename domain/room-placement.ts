/** Which Janus server a new video room goes to when several are configured. */

/**
 * The server with the fewest open rooms; a tie goes to the earliest in configured order, so one
 * server is the single-server case unchanged and equal servers fill in turn.
 * @param servers - the configured servers' ids, in order (at least one)
 * @param openRooms - open rooms per server id (servers absent here have none; unknown ids are ignored)
 */
export function leastLoadedServer(servers: readonly string[], openRooms: Readonly<Record<string, number>>): string {
  if (!servers.length) throw new Error('no Janus server to place a room on');
  let best = servers[0];
  for (const s of servers) if ((openRooms[s] ?? 0) < (openRooms[best] ?? 0)) best = s;
  return best;
}
