/** A browser session (express-session through connect-pg-simple): the session lives here, the cookie holds only its id. */
import { EntitySchema } from '@mikro-orm/core';

export class HttpSession {
  sid!: string;
  sess!: Record<string, unknown>;
  expire!: Date;
}

export const HttpSessionSchema = new EntitySchema<HttpSession>({
  class: HttpSession,
  tableName: 'http_session',
  indexes: [{ name: 'http_session_expire_idx', properties: ['expire'] }],
  properties: {
    sid: { type: 'text', primary: true },
    sess: { type: 'json' },
    expire: { type: 'Date', columnType: 'timestamptz' },
  },
});
