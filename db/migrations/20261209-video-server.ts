/** Each video room records its Janus server (issue 31), so joins and its destroy go to the Janus it lives on. */
import { Migration } from '@mikro-orm/migrations';

export class MigrationVideoServer extends Migration {
  override async up(): Promise<void> {
    // Null for rooms made before: they are on the first configured Janus, as they were.
    this.addSql('alter table video_room add column janus_server text null;');
    // Placing a new room counts the open rooms per server.
    this.addSql('create index video_room_open_server_idx on video_room (janus_server) where destroyed_at is null;');
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists video_room_open_server_idx;');
    this.addSql('alter table video_room drop column janus_server;');
  }
}
