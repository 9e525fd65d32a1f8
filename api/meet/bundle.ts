/** The meeting page's browser code, bundled once per process at app creation (about 0.2 s); no CDN, no build step to forget. */
import path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
export const MEETING_BUNDLE_DIR = path.join(ROOT, 'dist', 'public');

let bundled = false;
export function buildMeetingBundle(): void {
  if (bundled) return;
  buildSync({
    entryPoints: [path.join(ROOT, 'media', 'browser', 'meeting.ts')],
    outfile: path.join(MEETING_BUNDLE_DIR, 'meeting.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    sourcemap: true,
    logLevel: 'warning',
  });
  bundled = true;
}
