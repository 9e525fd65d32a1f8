/** The Express app: JSON API, back-office and patient pages, meeting pages and sinks. Never listens (see server.ts). */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { Express } from 'express';
import { engine } from 'express-handlebars';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { Logger } from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from './deps';
import { assertEveryRouteAllows } from './http/access';
import { authenticate, createSessions } from './auth';
import { CSRF_ERROR_CODE, errorHandler, notFound } from './http/errors';
import { healthRoutes } from './health';
import { metricsRoutes, requestLog } from './ops';
import { codecCors, codecRoutes } from './codec';
import { createWebMetrics } from '../observability/metrics';
import { countOpenDeviations } from '../db/deviations';
import { invoiceStatusCounts } from '../db/finance';
import { catalogRoutes } from './catalog';
import { adminRoutes } from './admin/routes';
import { deviationRoutes } from './admin/deviations';
import { logRoutes } from './admin/logs';
import { followupRoutes } from './admin/followup';
import { registrationRoutes } from './admin/registrations';
import { unitReminderRoutes } from './admin/reminders';
import { financeRoutes } from './finance/routes';
import { messageRoutes } from './messages/routes';
import { accessibilityRoutes } from './accessibility/routes';
import { statementLink } from '../domain/accessibility';
import { createPdfRenderer } from '../documents/pdf';
import { clinicianRoutes } from './admin/clinician';
import { encounterRoutes } from './encounters/routes';
import { createStateEvents } from './encounters/state-events';
import { mount, type RouteDef } from './http/route';
import { createLimiters } from './http/limits';
import { createRateCounters } from '../db/rate-limits';
import { identityRoutes, RelyingParties } from './identity/routes';
import { createRelyingParty } from './identity/oidc';
import { janusEventRoutes } from './meet/janus-events';
import { meetRoutes } from './meet/routes';
import { MEETING_BUNDLE_DIR } from './meet/bundle';
import { patientMeetingRoutes } from './patient/meetings';
import { patientRoutes } from './patient/routes';
import { languageRoutes } from './patient/language';
import { patientLanguage } from './http/language';
import { navFor } from './nav';
import { helpers } from '../admin-ui/helpers';
import { onceForAll } from './http/headers';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the `x-request-id` header, the `req` of its log lines and access-log rows. */
    id: string;
    log: Logger;
    /** This request's own EntityManager (MikroORM: one fork per request, never the global one). */
    em: EntityManager;
  }
}

const UI_ROOT = path.resolve(__dirname, '..', 'admin-ui');

/** Every replica's rate-limit counters are one: the scope they share unless `AppDeps.rateLimitScope` says otherwise. */
export const DEFAULT_RATE_LIMIT_SCOPE = 'web';

/** The app and what must be closed with it (the pools of the session store and the rate-limit counters). */
export type App = Express & {
  close(): Promise<void>;
  /** Every declared route, from the areas' tables (the route-table test reads them). */
  declaredRoutes: RouteDef[];
};

/**
 * Builds the app around its dependencies.
 * @param deps - config, ORM, Temporal client, logger, health probes
 */
export function createApp(deps: AppDeps): App {
  const { config } = deps;
  const app = express() as App;
  const counters = createRateCounters({
    databaseUrl: config.databaseUrl,
    secret: config.session.secret,
    scope: deps.rateLimitScope ?? DEFAULT_RATE_LIMIT_SCOPE,
  });
  const limiters = createLimiters(config.rateLimits, counters, deps.logger);
  const metrics =
    deps.metrics ??
    createWebMetrics({
      openDeviations: () => countOpenDeviations(deps.orm.em.fork(), null),
      invoicesByStatus: () => invoiceStatusCounts(deps.orm.em.fork(), null),
    });
  app.disable('x-powered-by');
  // Answers are no-store (patient data) or small: a hash of every body for an ETag would buy nothing.
  app.set('etag', false);
  app.set('trust proxy', config.web.publicUrl.startsWith('https:') ? 1 : false);
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(UI_ROOT, 'views/layouts'),
      partialsDir: path.join(UI_ROOT, 'views/partials'),
      helpers,
    }),
  );
  app.set('view engine', 'hbs');
  // A demo deployment says so on every page (VARDMOTE_DEMO: stand-ins let in, never for real patients).
  app.locals.demo = config.demo;
  app.set('views', path.join(UI_ROOT, 'views'));
  // Each made on first use (bench:api): a request that never logs or reads the database pays for neither.
  const LOG = Symbol('log');
  const EM = Symbol('em');
  type Lazy = express.Request & { [LOG]?: Logger; [EM]?: EntityManager };
  Object.defineProperties(app.request, {
    log: {
      get(this: Lazy) {
        return (this[LOG] ??= deps.logger.child({ req: this.id }));
      },
    },
    em: {
      get(this: Lazy) {
        return (this[EM] ??= deps.orm.em.fork());
      },
    },
  });
  app.use((req, res, next) => {
    req.id = randomUUID();
    res.setHeader('x-request-id', req.id);
    next();
  });
  app.use(requestLog(metrics, deps.logger));
  // Every page's footer links to the accessibility statement, naming the page (helmet sends no Referer); set
  // first, so that every page has it, error pages of early refusals (CSRF, body parsers) too.
  app.use((req, res, next) => {
    res.locals.statementUrl = statementLink(req.path);
    next();
  });
  app.use(
    onceForAll(
      helmet({
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            // The meeting page talks to Janus over its WebSocket.
            connectSrc: ["'self'", ...config.janus.servers.map((s) => s.publicWsUrl)],
            imgSrc: ["'self'", 'data:'],
            mediaSrc: ["'self'", 'blob:'],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
            upgradeInsecureRequests: config.production ? [] : null,
          },
        },
        hsts: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      }),
    ),
  );
  // Janus' sink checks its secret, then parses its own (large) batches: before the app's body parsers.
  const sink = janusEventRoutes(deps);
  app.use(mount(sink, limiters));
  app.use('/static', express.static(path.join(UI_ROOT, 'public'), { maxAge: '1h' }));
  app.use('/static', express.static(MEETING_BUNDLE_DIR, { maxAge: 0 }));
  app.use(express.json({ limit: '256kb' }));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));

  const sessions = createSessions(config);
  const pdf = createPdfRenderer(config.chromiumPath);
  const stateEvents = createStateEvents(config.databaseUrl, deps.logger);
  app.close = async () => {
    await stateEvents.close();
    await sessions.close();
    await pdf.close();
    await counters.close();
  };
  app.use(sessions.middleware);
  app.use(authenticate(config));
  // CSRF: every state-changing request of a logged-in browser carries the session's token (form field or header).
  const csrf = csrfSync({
    // A multipart form's body is read only after its route admitted the caller, so its token comes in the address.
    getTokenFromRequest: (req) =>
      (req.headers['x-csrf-token'] as string | undefined) ??
      req.body?._csrf ??
      (req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined),
    // The codec endpoint changes nothing and is called by the Temporal UI, which has no token; it checks the origin.
    skipCsrfProtection: (req) => !req.session?.login || req.viaToken === true || req.path.startsWith('/codec/'),
    errorConfig: { statusCode: 403, code: CSRF_ERROR_CODE, message: 'CSRF token missing or wrong' },
  });
  app.use(csrf.csrfSynchronisedProtection);
  app.use((req, res, next) => {
    const p = req.principal;
    if (p && p.kind !== 'machine') {
      res.locals.csrfToken = csrf.generateToken(req);
      res.locals.me = { name: p.name, title: p.kind === 'staff' ? p.title : undefined };
      res.locals.nav = navFor(p);
    }
    // Patient data is never kept by a browser or proxy cache.
    if (p) res.setHeader('cache-control', 'no-store');
    next();
  });
  // The patient's pages in the patient's language (issue 28); everything else in Swedish.
  app.use(patientLanguage());

  // Production refuses the embedded test provider, unless this is a demo deployment (VARDMOTE_DEMO).
  const refuseTestProvider = config.production && !config.demo;
  const parties: RelyingParties = deps.relyingParties ?? {
    patient: config.oidc.patient && createRelyingParty(config.oidc.patient, { refuseTestProvider }),
    staff: config.oidc.staff && createRelyingParty(config.oidc.staff, { refuseTestProvider }),
  };
  app.use('/codec', codecCors(deps));
  // Every area's table, in this order (each table keeps its own order: literal paths before ':id').
  const routes = [
    ...healthRoutes(deps.probes),
    ...metricsRoutes(metrics),
    ...codecRoutes(deps),
    ...identityRoutes(deps, parties),
    ...encounterRoutes(deps),
    ...catalogRoutes(deps),
    ...meetRoutes(deps),
    ...patientRoutes(deps),
    ...patientMeetingRoutes(deps),
    ...languageRoutes(deps),
    ...adminRoutes({ ...deps, stateEvents }),
    ...deviationRoutes(deps),
    ...logRoutes(deps),
    ...followupRoutes(deps),
    ...registrationRoutes(deps),
    ...unitReminderRoutes(deps),
    ...clinicianRoutes(deps),
    ...financeRoutes(deps, pdf),
    ...messageRoutes(deps),
    ...accessibilityRoutes(deps),
    ...(deps.extraRoutes ?? []),
  ];
  app.use(mount(routes, limiters));
  app.declaredRoutes = [...sink, ...routes];

  app.use((_req, _res, next) => next(notFound('page')));
  app.use(errorHandler);
  assertEveryRouteAllows(app);
  return app;
}
