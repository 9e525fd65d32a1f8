/** Structured JSON logs (pino) for web and worker: never a personnummer or note text. */
import pino, { type Logger } from 'pino';

/** Twelve or ten digits in personnummer shape, with or without the separator. */
const PERSONNUMMER = /\b(?:19|20)?\d{6}[-+]?\d{4}\b/g;

/** Fields that may carry patient data are never printed, whatever logs them. */
const REDACT = ['personnummer', 'pnr', 'note', 'text', 'body', 'claims', 'answers', 'name'].flatMap((k) => [
  k,
  `*.${k}`,
]);

/** @param destination - where lines go (stdout unless a test captures them) */
export function createLogger(proc: 'web' | 'worker', level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { proc },
    redact: { paths: REDACT, censor: '[dolt]' },
    hooks: {
      // A last guard for messages built from strings: a personnummer-shaped number is masked.
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? a.replace(PERSONNUMMER, '[personnummer]') : a)) as Parameters<
            typeof method
          >,
        );
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
