/** The one error handler: domain, validation and Temporal errors become clear 4xx JSON answers. */
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '../../domain/errors';
import { FAILURES, isFailureType } from '../../domain/failures';

/** An error with an HTTP status, thrown by routes for 404/409 and the like. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** csrf-sync's error code (set where it is configured, in app.ts). */
export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

export const notFound = (what: string) => new HttpError(404, `${what} not found`, undefined, 'not-found');

interface ErrorBody {
  error: string;
  message: string;
  field?: string;
  /** Which case of the failure type it is (a refused waiver: 'already-credited', …). */
  reason?: string;
  issues?: Array<{ field: string; message: string }>;
}

/** Maps a thrown error to a status and body; unknown errors are 500 and logged. */
export function toHttp(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    return {
      status: 400,
      body: {
        error: 'validation',
        message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
        field: issues[0]?.field,
        issues,
      },
    };
  }
  if (err instanceof HttpError)
    return {
      status: err.status,
      body: { error: err.code ?? 'error', message: err.message, ...(err.field ? { field: err.field } : {}) },
    };
  if (err instanceof DomainError)
    return {
      status: 400,
      body: { error: err.reason, message: err.message, ...(err.field ? { field: err.field } : {}) },
    };
  if (err instanceof WorkflowNotFoundError)
    return { status: 404, body: { error: 'not-found', message: 'encounter not found' } };
  if (err instanceof WorkflowUpdateFailedError) {
    // Validators and handlers reject with a typed ApplicationFailure (activity failures wrap one): its type picks the status.
    let f: unknown = err.cause;
    while (f && !(f instanceof ApplicationFailure) && (f as Error).cause) f = (f as Error).cause;
    if (!(f instanceof ApplicationFailure)) return { status: 409, body: { error: 'conflict', message: err.message } };
    const status = isFailureType(f.type) ? FAILURES[f.type].status : 409;
    const details = (f.details?.[0] ?? {}) as { field?: string; reason?: string };
    return {
      status,
      body: {
        error: f.type ?? 'conflict',
        message: f.message,
        ...(details.field ? { field: details.field } : {}),
        ...(details.reason ? { reason: details.reason } : {}),
      },
    };
  }
  if ((err as { code?: string } | null)?.code === CSRF_ERROR_CODE)
    return {
      status: 403,
      body: {
        error: 'csrf',
        message: 'x-csrf-token: the CSRF token is missing or wrong; reload the page',
        field: 'x-csrf-token',
      },
    };
  // The router could not percent-decode a path parameter.
  if (err instanceof URIError)
    return {
      status: 400,
      body: { error: 'validation', message: 'path: not valid percent-encoded UTF-8', field: '(path)' },
    };
  if (err instanceof SyntaxError && 'body' in err)
    return { status: 400, body: { error: 'validation', message: 'request body is not valid JSON', field: '(body)' } };
  const parser = bodyParserError(err);
  if (parser) return parser;
  return { status: 500, body: { error: 'internal', message: 'internal error' } };
}

const BODY_PARSER_ERRORS: Record<string, { message: string; field: string }> = {
  'entity.too.large': { message: 'request body is too large (at most 256 kB)', field: '(body)' },
  'charset.unsupported': { message: 'content-type: the body must be UTF-8 JSON', field: 'content-type' },
  'encoding.unsupported': { message: 'content-encoding is not supported', field: 'content-type' },
};

/** body-parser's own client errors (too large, wrong charset or encoding) keep their 4xx status. */
function bodyParserError(err: unknown): { status: number; body: ErrorBody } | null {
  const e = err as { status?: number; type?: string; expose?: boolean; message?: string } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || !e.expose) return null;
  const known = e.type && Object.hasOwn(BODY_PARSER_ERRORS, e.type) ? BODY_PARSER_ERRORS[e.type] : undefined;
  const message = known?.message ?? e.message ?? 'bad request';
  const field = known?.field ?? '(body)';
  return { status: e.status, body: { error: 'validation', message, field } };
}

const PAGE_TITLES: Record<number, string> = {
  401: 'Inloggning krävs',
  403: 'Ingen behörighet',
  404: 'Hittades inte',
  429: 'För många förfrågningar',
};

/**
 * What an error page says where the answer's message is the API's English one (a Swedish page must not
 * speak English unmarked, WCAG 3.1.2); the JSON answer keeps the message as it is.
 */
const PAGE_MESSAGES: Record<string, string> = {
  'not-found': 'Det du letade efter finns inte, eller så har du inte tillgång till det.',
  unauthenticated: 'Logga in först.',
  csrf: 'Sidan hann bli för gammal. Ladda om den och försök igen.',
  internal: 'Något gick fel hos oss. Försök igen om en stund.',
};
// A 404 written for people is a sentence ('Ingen sådan patient.'); the API's own ('encounter not found') is not.
const pageMessage = ({ error, message }: ErrorBody) =>
  error === 'not-found' && /^[A-ZÅÄÖ]/.test(message) ? message : (PAGE_MESSAGES[error] ?? message);

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const { status, body } = toHttp(err);
  if (status >= 500) req.log?.error({ err }, 'unhandled error');
  // Refused before its body was read (an upload, the Janus sink): close the connection rather than read the rest.
  if (!req.complete && (req.headers['content-length'] || req.headers['transfer-encoding']))
    res.set('connection', 'close');
  const api = req.path.startsWith('/api/') || req.path.startsWith('/meet/api/');
  if (req.accepts(['json', 'html']) === 'html' && !api) {
    res.status(status).render('error', {
      title: PAGE_TITLES[status] ?? 'Fel',
      status,
      message: pageMessage(body),
      login: status === 401,
      home: req.principal?.kind === 'person' ? '/mina-sidor' : '/admin',
    });
    return;
  }
  res.status(status).json(body);
};
