/** The runtime: Node.js 24 LTS (package.json engines.node), and one line refusing anything older. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import pkg from '../../package.json';
import { NODE_RANGE, runtimeRefusal } from '../../runtime';

const ROOT = path.resolve(__dirname, '../..');

/** A node on this machine older than the floor (the machine's own Node 20 where npm installed Node 24), if any. */
function olderNode(): string | null {
  const found = spawnSync('sh', ['-c', 'which -a node; ls /usr/bin/node /usr/local/bin/node 2>/dev/null'], {
    encoding: 'utf8',
  }).stdout;
  for (const bin of new Set(found.split('\n').filter(Boolean))) {
    const version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout.trim();
    if (version && !semver.satisfies(version, NODE_RANGE)) return bin;
  }
  return null;
}

describe('the Node.js runtime', () => {
  it('runs every test under Node.js 24 LTS or newer, inside package.json engines.node', () => {
    process.stdout.write(`[runtime] tests run under Node.js ${process.version} (${process.execPath})\n`);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(pkg.engines.node).toBe(NODE_RANGE);
    expect(semver.satisfies(process.version, NODE_RANGE)).toBe(true);
  });

  it('pins the same Node.js in the bootstrap as the Dockerfile base image names', () => {
    const env = fs.readFileSync(path.join(ROOT, 'scripts/node-env.sh'), 'utf8');
    const pinned = /^NODE_VERSION=(\S+)$/m.exec(env)?.[1];
    expect(pinned && semver.satisfies(pinned, NODE_RANGE)).toBe(true);
    expect(/^NODE_SHA256=[0-9a-f]{64}$/m.test(env)).toBe(true);
    const froms = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').match(/^FROM node:(\d+)\S*/gm) ?? [];
    expect(froms.length).toBeGreaterThan(0);
    // The image is pinned to the very version the bootstrap installs.
    for (const from of froms) expect(from).toContain(`node:${pinned}-`);
  });

  it('refuses a version below the range in one line saying what to do, and accepts the pinned one', () => {
    const line = runtimeRefusal('v20.20.2');
    expect(line).toContain('Node.js >=24');
    expect(line).toContain('npm start');
    expect(line).not.toContain('\n');
    expect(runtimeRefusal('v22.12.0')).not.toBeNull();
    expect(runtimeRefusal('v24.22.3')).toBeNull();
  });

  describe('on an older node of this machine', () => {
    const old = olderNode();
    if (!old)
      process.stdout.write(
        '[runtime] no node older than the floor on this machine: the two refusals below run on none\n',
      );

    it('a process started by hand (the web process) exits 1 with that one line before loading anything', () => {
      if (!old) return;
      const run = spawnSync(old, ['--import', 'tsx', 'api/server.ts'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('needs Node.js >=24');
      expect(run.stdout).toBe('');
    });

    it('npm start with VARDMOTE_NODE=system refuses it in one line (no install, no service started)', () => {
      if (!old) return;
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'old-node-'));
      fs.symlinkSync(old, path.join(bin, 'node'));
      const run = spawnSync('bash', ['scripts/start.sh'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, VARDMOTE_NODE: 'system', PATH: `${bin}:/usr/bin:/bin` },
      });
      fs.rmSync(bin, { recursive: true });
      expect(run.status).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(
        `needs Node.js 24 LTS or newer (found ${execFileSync(old, ['-v']).toString().trim()})`,
      );
    });
  });
});
