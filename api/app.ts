/** The Express app: JSON API, back-office pages and sinks. Never listens (see server.ts). */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { Express } from 'express';
import { engine } from 'express-handlebars';
import type { Logger } from 'pino';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AppDeps } from './deps';
import { errorHandler, notFound } from './errors';
import { healthRouter } from './health';
import { catalogRouter } from './catalog';
import { adminRouter } from './admin/routes';
import { encounterRouter } from './encounters/routes';
import { janusEventRouter } from './meet/janus-events';
import { MEETING_BUNDLE_DIR, meetRouter } from './meet/routes';
import { createTestIdentityProvider } from './identity/provider';
import { helpers } from '../admin-ui/helpers';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
    /** This request's own EntityManager (MikroORM: one fork per request, never the global one). */
    em: EntityManager;
  }
}

const UI_ROOT = path.resolve(__dirname, '..', 'admin-ui');

/**
 * Builds the app around its dependencies.
 * @param deps - config, ORM, Temporal client, logger, health probes
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
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
  app.set('views', path.join(UI_ROOT, 'views'));
  app.use((req, res, next) => {
    const id = randomUUID();
    req.log = deps.logger.child({ req: id });
    req.em = deps.orm.em.fork();
    res.setHeader('x-request-id', id);
    next();
  });
  // Janus posts event batches bigger than any API body: its sink parses its own.
  app.use(janusEventRouter(deps));
  app.use(express.json({ limit: '256kb' }));
  app.use('/static', express.static(path.join(UI_ROOT, 'public'), { maxAge: '1h' }));
  app.use('/static', express.static(MEETING_BUNDLE_DIR, { maxAge: 0 }));

  app.use(healthRouter(deps.probes));
  app.use(encounterRouter({ ...deps, identity: deps.identity ?? createTestIdentityProvider() }));
  app.use(catalogRouter(deps));
  app.use(meetRouter(deps));
  app.get('/', (_req, res) => res.redirect('/admin'));
  app.use(adminRouter(deps));

  app.use((_req, _res, next) => next(notFound('page')));
  app.use(errorHandler);
  return app;
}
