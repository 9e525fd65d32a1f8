/**
 * The Node.js floor: package.json's `engines.node` (Node 24 LTS; Node 20 is past its end of life).
 * Every entry point imports this first, so a process started by hand on an older runtime stops in one
 * line saying what to do instead of failing somewhere deeper (npm's scripts install Node 24 themselves).
 */
import semver from 'semver';
import pkg from './package.json';

export const NODE_RANGE: string = pkg.engines.node;

/** The one line that refuses `version`, or null when it satisfies `range`. */
export function runtimeRefusal(version: string, range = NODE_RANGE): string | null {
  if (semver.satisfies(version, range)) return null;
  return (
    `Vårdmöte needs Node.js ${range} (this is ${version}): run it through npm (npm start, npm test, ` +
    `npm run migrate), which installs Node.js 24 LTS into .tools/node, or install Node.js 24 LTS yourself.`
  );
}

const refusal = runtimeRefusal(process.version);
if (refusal) {
  process.stderr.write(`${refusal}\n`);
  process.exit(1);
}
