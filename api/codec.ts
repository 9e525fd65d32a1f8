/**
 * Temporal's remote codec protocol for the Temporal UI (`--ui-codec-endpoint`): the UI posts
 * payloads and gets them decrypted (or encrypted) with our keys. Only a sysadmin's staff session may,
 * from the configured UI origin; each decode is access-logged, since payloads hold patient data.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { anyone, roles } from './http/guards';
import { options, post, type RouteDef } from './http/route';
import { logAccess } from './http/audit';
import { HttpError } from './http/errors';
import type { AppDeps } from './deps';
import { EncryptionCodec } from '../temporal/codec';

const WirePayloads = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), z.string().base64()).optional(),
        data: z.string().base64().optional(),
      }),
    )
    .max(1000),
});
type Wire = z.infer<typeof WirePayloads>['payloads'][number];

const fromWire = (p: Wire): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): Wire => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The UI runs on its own origin and sends the session cookie along: its CORS, before any route answers. */
export function codecCors({ config }: AppDeps): RequestHandler {
  const allowedOrigins = new Set([config.temporalUiOrigin, new URL(config.web.publicUrl).origin]);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && !allowedOrigins.has(origin))
      throw new HttpError(403, `origin ${origin} may not use the codec endpoint`, undefined, 'forbidden');
    if (origin)
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'content-type, x-namespace',
        'access-control-allow-methods': 'POST',
        vary: 'Origin',
      });
    next();
  };
}

export function codecRoutes({ config }: AppDeps): RouteDef[] {
  const codec = new EncryptionCodec(config.payloadKeys);
  const run = (op: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const parsed = WirePayloads.safeParse(req.body);
    if (!parsed.success)
      throw new HttpError(400, `payloads: ${parsed.error.issues[0]?.message ?? 'invalid'}`, 'payloads', 'invalid');
    const input = parsed.data.payloads.map(fromWire);
    let out: Payload[];
    try {
      out = op === 'encode' ? await codec.encode(input) : await codec.decode(input);
    } catch (e) {
      await logAccess(req, { action: `codec-${op}`, target: 'payloads', outcome: 'refused' });
      throw new HttpError(400, (e as Error).message, 'payloads', 'codec');
    }
    await logAccess(req, {
      action: `codec-${op}`,
      target: `${input.length} payloads, namespace ${String(req.headers['x-namespace'] ?? config.temporal.namespace)}`,
    });
    res.json({ payloads: out.map(toWire) });
  };
  const preflight = (_req: Request, res: Response) => void res.sendStatus(204);
  return [
    options('/codec/encode', anyone, preflight),
    options('/codec/decode', anyone, preflight),
    post('/codec/encode', roles('sysadmin'), run('encode')),
    post('/codec/decode', roles('sysadmin'), run('decode')),
  ];
}
