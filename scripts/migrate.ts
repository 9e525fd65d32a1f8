/** Production: applies the database migrations once (docker-compose's `migrate` service; npm start does it itself). */
import '../runtime';
import { loadConfig } from '../config';
import { createOrm, migrate } from '../db/orm';
import { grantAppRights } from '../db/roles';

async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await createOrm(config.databaseUrl);
  // Run as the schema's owner: the app's own role gets data rights on what the migrations made.
  const appRole = process.env.DATABASE_APP_ROLE;
  try {
    const applied = await migrate(orm, appRole ? () => grantAppRights(config.databaseUrl, appRole) : undefined);
    process.stdout.write(`migrations ok: ${applied.length ? applied.join(', ') : 'up to date'}\n`);
    if (appRole) process.stdout.write(`rights ok: ${appRole} (data only; the access log append-only)\n`);
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
