/** A one-time meeting link (only its SHA-256 is kept) and, once opened, the page session it started. */
import { EntitySchema } from '@mikro-orm/core';
import { createdAt, optionalTime, ref } from './columns';

/** Interpreter, relative and colleague (issue 26): a participant's own link, bound to its participant id. */
export const MEET_ROLES = ['patient', 'clinician', 'interpreter', 'relative', 'colleague'] as const;
export type MeetRole = (typeof MEET_ROLES)[number];

export class JoinToken {
  tokenHash!: string;
  encounterId!: string;
  role!: MeetRole;
  createdBy!: string;
  createdAt: Date = new Date();
  expiresAt!: Date;
  usedAt?: Date | null;
  /** Set when the link is opened: the page's own key for its actions (hashed)… */
  sessionKeyHash?: string | null;
  /** …and its Janus publisher id. */
  publisherId?: string | null;
  /** Set when the link was withdrawn (by staff, or because newer links were issued). */
  revokedAt?: Date | null;
  /** Who opened it: the HSA-id or personnummer of the logged-in person. */
  openedBy?: string | null;
  /** The encounter workflow's participant this link is for (interpreter, relative, colleague). */
  participantId?: string | null;
  /** An interpreter without Swedish e-ID: the hash of the one-time code sent to the booked address… */
  codeHash?: string | null;
  /** …until when it holds, and how many wrong tries it has had. */
  codeExpiresAt?: Date | null;
  codeAttempts: number = 0;
}

export const JoinTokenSchema = new EntitySchema<JoinToken>({
  class: JoinToken,
  tableName: 'join_token',
  indexes: [{ name: 'join_token_encounter', properties: ['encounterId'] }],
  properties: {
    tokenHash: { type: 'text', primary: true },
    encounterId: ref('Encounter', 'encounter_id'),
    role: { enum: true, items: () => MEET_ROLES },
    createdBy: { type: 'text' },
    createdAt,
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    usedAt: optionalTime,
    sessionKeyHash: { type: 'text', nullable: true, unique: true },
    publisherId: { type: 'text', nullable: true, unique: true },
    revokedAt: optionalTime,
    openedBy: { type: 'text', nullable: true },
    participantId: { type: 'text', nullable: true },
    codeHash: { type: 'text', nullable: true },
    codeExpiresAt: optionalTime,
    codeAttempts: { type: 'integer', default: 0 },
  },
});
