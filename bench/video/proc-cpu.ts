/** CPU time of processes on this machine, from /proc (Linux): what Janus and the load client used. */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * CPU seconds a process has used so far (utime + stime).
 * @param pid - the process
 */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * This run's own Janus (scripts/with-services.ts: .data/test, or .data/test-<offset> on offset ports),
 * found by its config folder so another checkout's Janus is never measured.
 */
export function janusPid(): number {
  const offset = Number(process.env.VARDMOTE_TEST_PORT_OFFSET ?? 0);
  const dir = path.resolve(__dirname, '..', '..', '.data', offset ? `test-${offset}` : 'test', 'janus');
  return Number(execSync(`pgrep -f 'janus -F ${dir} ' | head -1`).toString().trim());
}

/**
 * The share of the last 10 s in which some runnable task waited for a CPU (Linux pressure stall
 * information), in %: a contended machine shows here even when the load average looks modest. NaN
 * where the kernel does not expose it.
 */
export function cpuPressure(): number {
  try {
    const m = /some avg10=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}
