/** SMS in the Utkorg (issue 27): each message's channel, the SMS centre's message id and its delivery receipt. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationSms extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox_message
      add column channel text not null default 'mail' check (channel in ('mail', 'sms')),
      add column provider_message_id text null,
      add column delivery_status text null,
      add column delivered_at timestamptz null;`);
    // A delivery receipt names the message only by the SMS centre's id.
    this.addSql('create index outbox_message_provider_idx on outbox_message (provider_message_id);');
  }

  override async down(): Promise<void> {
    this.addSql(`alter table outbox_message drop column channel, drop column provider_message_id,
      drop column delivery_status, drop column delivered_at;`);
  }
}
