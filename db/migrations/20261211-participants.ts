/**
 * More than two in the room (issue 26): meeting links for interpreters, relatives and colleagues of
 * other units, each bound to its participant, with an interpreter's one-time code; and the
 * interpreter's no-show as a deviation of its own.
 */
import { Migration } from '@mikro-orm/migrations';

const BEFORE = `'missing-documentation', 'late-answer', 'no-show', 'identity-failure', 'video-failure',
  'late-cancellation', 'not-in-journal', 'accessibility-barrier', 'other'`;
const AFTER = `'missing-documentation', 'late-answer', 'no-show', 'identity-failure', 'video-failure',
  'late-cancellation', 'not-in-journal', 'accessibility-barrier', 'interpreter-no-show', 'other'`;

export class MigrationParticipants extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table deviation drop constraint deviation_category_check,
      add constraint deviation_category_check check (category in (${AFTER}));`);
    this.addSql(`alter table join_token drop constraint join_token_role_check,
      add constraint join_token_role_check check (role in ('patient', 'clinician', 'interpreter', 'relative', 'colleague'));`);
    // The workflow's participant id (null for the patient's and the clinician's links); only its hash of a one-time code.
    this.addSql(`alter table join_token add column participant_id text null, add column code_hash text null,
      add column code_expires_at timestamptz null, add column code_attempts int not null default 0;`);
  }

  override async down(): Promise<void> {
    // Refused while participant links or interpreter deviations exist: nothing is silently dropped.
    this.addSql(
      'alter table join_token drop column code_attempts, drop column code_expires_at, drop column code_hash, drop column participant_id;',
    );
    this.addSql(`alter table join_token drop constraint join_token_role_check,
      add constraint join_token_role_check check (role in ('patient', 'clinician'));`);
    this.addSql(`alter table deviation drop constraint deviation_category_check,
      add constraint deviation_category_check check (category in (${BEFORE}));`);
  }
}
