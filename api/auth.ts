/** Who is calling: the actor and role from request headers (a stand-in until SITHS/e-ID login lands). */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Actor } from '../workflows/encounter.messages';
import { HttpError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    actor: Actor;
  }
}

const ActorHeaders = z.object({
  'x-actor-id': z.string().min(1, 'x-actor-id header is required'),
  'x-actor-role': z.enum(['admin', 'clinician', 'patient', 'guardian', 'system']),
  'x-actor-name': z.string().optional(),
});

/** Requires X-Actor-Id and X-Actor-Role; 401 naming the header otherwise. */
export const requireActor: RequestHandler = (req, _res, next) => {
  const parsed = ActorHeaders.safeParse(req.headers);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(401, `${String(issue.path[0])}: ${issue.message}`, String(issue.path[0]), 'unauthenticated');
  }
  const h = parsed.data;
  req.actor = {
    id: h['x-actor-id'],
    role: h['x-actor-role'],
    ...(h['x-actor-name'] ? { name: decodeHeader(h['x-actor-name']) } : {}),
  };
  next();
};

function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HttpError(400, 'x-actor-name: not valid percent-encoded UTF-8', 'x-actor-name', 'validation');
  }
}

/** Staff roles only (administrator, clinician). */
export const staffOnly: RequestHandler = (req, _res, next) => {
  if (req.actor.role !== 'admin' && req.actor.role !== 'clinician')
    throw new HttpError(403, 'staff only', 'x-actor-role', 'forbidden');
  next();
};
