/** Production: applies the database migrations once (docker-compose's `migrate` service; npm start does it itself). */
import '../runtime';
import { loadConfig } from '../config';
import { createOrm, migrate } from '../db/orm';

async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await createOrm(config.databaseUrl);
  try {
    const applied = await migrate(orm);
    process.stdout.write(`migrations ok: ${applied.length ? applied.join(', ') : 'up to date'}\n`);
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
