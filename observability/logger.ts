/** Structured JSON logs (pino) for web and worker: never a personnummer or note text. */
import pino, { type Logger } from 'pino';

/** Twelve or ten digits in personnummer shape, with or without the separator. */
const PERSONNUMMER = /\b(?:19|20)?\d{6}[-+]?\d{4}\b/g;

/** Fields that may carry patient data are never printed, whatever logs them. */
const REDACT = ['personnummer', 'pnr', 'note', 'text', 'body', 'claims', 'answers', 'name'].flatMap((k) => [
  k,
  `*.${k}`,
]);

/** Deep enough for an error's cause chain and the SDK's meta objects; deeper values print as they are. */
const MAX_DEPTH = 8;

/**
 * Masks every personnummer-shaped number in the strings of a value. Errors become pino's usual
 * `{ type, message, stack, … }` first, so their message, stack and cause chain are masked too.
 * @param value - what a caller put in a log line's object
 */
export function maskPersonnummer(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return value.replace(PERSONNUMMER, '[personnummer]');
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  // pino's serialized error has a prototype of its own: spread it into a plain object to walk it.
  if (value instanceof Error) return maskPersonnummer({ ...pino.stdSerializers.err(value) }, depth + 1, seen);
  if (Array.isArray(value)) return value.map((v) => maskPersonnummer(v, depth + 1, seen));
  const proto = Object.getPrototypeOf(value);
  // Only plain objects are walked: dates, buffers and class instances print through their own toJSON.
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPersonnummer(v, depth + 1, seen)]));
}

/** The message pino would take from an error when the call gives none (`log.error(err)`, `log.error({ err })`). */
function errorOf(first: unknown): Error | undefined {
  if (first instanceof Error) return first;
  const err = (first as { err?: unknown } | null)?.err;
  return typeof first === 'object' && err instanceof Error ? err : undefined;
}

/** @param destination - where lines go (stdout unless a test captures them) */
export function createLogger(proc: 'web' | 'worker', level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { proc },
    redact: { paths: REDACT, censor: '[dolt]' },
    // formatters.log below has already serialized and masked errors; pino's own err serializer would
    // take the plain object for an error again and call it an "Object".
    serializers: { err: (v: unknown) => (v instanceof Error ? maskPersonnummer(v) : v) },
    formatters: {
      // Errors (`log.error({ err }, …)`) and any other field: an error's message or stack can quote a personnummer.
      log: (obj) => maskPersonnummer(obj) as Record<string, unknown>,
    },
    hooks: {
      // A last guard for messages built from strings: a personnummer-shaped number is masked.
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonnummer(a) : a));
        // Without a message of its own pino prints the error's message unmasked, so give it the masked one.
        const err = errorOf(masked[0]);
        if (err && typeof masked[1] !== 'string') masked.splice(1, 0, maskPersonnummer(err.message));
        method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
