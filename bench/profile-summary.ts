/**
 * Where a CPU profile's time went (node --cpu-prof): self time summed per package (or our own folder),
 * and the heaviest functions. Run: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top].
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** A package's name from a file URL (`node_modules/@scope/name/…` → `@scope/name`), else our folder, else a kind. */
export function ownerOf(url: string): string {
  if (!url) return '(native / idle / gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const [a, b] = url.slice(nm + 'node_modules/'.length).split('/');
    return a.startsWith('@') ? `${a}/${b}` : a;
  }
  if (url.startsWith('node:')) return 'node core';
  const ours = /\/(api|db|domain|activities|observability|admin-ui|media|temporal|testkit|bench)\//.exec(url);
  return ours ? `vardmote ${ours[1]}/` : url;
}

/**
 * The summary as text.
 * @param profile - a V8 CPU profile (a .cpuprofile file's content, or the inspector's Profiler.stop answer)
 * @param top - how many rows per table
 */
export function summarize(profile: Profile, top = 15): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  (profile.samples ?? []).forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const owner = ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const where = owner.startsWith('vardmote')
      ? url.replace(/^.*?\/(api|db|domain|activities|observability|admin-ui|media|temporal|testkit|bench)\//, '$1/')
      : owner;
    const fn = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const table = (title: string, m: Map<string, number>) => [
    title,
    ...[...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`),
  ];
  return [
    `${(total / 1e6).toFixed(1)} s of samples`,
    ...table('self time by package', byOwner),
    ...table('self time by function', byFunction),
    '',
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  process.stdout.write(summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, Number(top ?? 15)));
}
