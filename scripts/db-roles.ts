/**
 * Production, once per start (compose's `db-roles` job, before migrate): the PostgreSQL roles and
 * databases per service (db/roles.ts). The only process that holds the superuser's password.
 */
import { settingText } from '../config-env';
import { ensureRoles } from '../db/roles';

/** A value from NAME, or from the file NAME_FILE names (Docker secrets), as every setting is read. */
function setting(name: string): string {
  const { value, problem } = settingText(name, process.env);
  if (problem) throw new Error(problem);
  return value ?? '';
}

function secret(name: string): string {
  const value = setting(name);
  if (value.length < 16) throw new Error(`${name} (or ${name}_FILE): 16 or more random characters`);
  return value;
}

async function main(): Promise<void> {
  const adminUrl = setting('DATABASE_ADMIN_URL');
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) throw new Error('DATABASE_ADMIN_URL: the superuser postgres:// URL');
  await ensureRoles(adminUrl, {
    temporal: secret('POSTGRES_TEMPORAL_PASSWORD'),
    owner: secret('POSTGRES_OWNER_PASSWORD'),
    app: secret('POSTGRES_APP_PASSWORD'),
  });
  process.stdout.write('database roles ok: temporal, vardmote_owner, vardmote_app\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
