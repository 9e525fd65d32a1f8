/** Every entity schema, in one list for the ORM: one per table (test/db/schema.int.test.ts checks them against the migrations). */
import { AuditLogSchema } from './audit-log';
import { ThreadSummarySchema } from './thread-summary';
import { IdempotencyKeySchema } from './idempotency-key';
import { MessageThreadSchema } from './message-thread';
import { MessageSchema } from './message';
import { PaymentSchema } from './payment';
import { InvoiceSeriesSchema } from './invoice-series';
import { InvoiceLineSchema } from './invoice-line';
import { InvoiceSchema } from './invoice';
import { BgmaxImportSchema } from './bgmax-import';
import { BookingSchema } from './booking';
import { CareUnitSchema } from './care-unit';
import { ChargeSchema } from './charge';
import { ClinicianSchema } from './clinician';
import { DeviationSchema } from './deviation';
import { DeviationEventSchema } from './deviation-event';
import { EligibilityAssessmentSchema } from './eligibility-assessment';
import { EncounterSchema } from './encounter';
import { GuardianLinkSchema } from './guardian-link';
import { HighCostPeriodSchema } from './high-cost-period';
import { HttpSessionSchema } from './http-session';
import { IdentityCheckSchema } from './identity-check';
import { JanusHandleSchema } from './janus-handle';
import { JoinTokenSchema } from './join-token';
import { JournalNoteSchema } from './journal-note';
import { MeetingPresenceSchema } from './meeting-presence';
import { OutboxMessageSchema } from './outbox-message';
import { PatientSchema } from './patient';
import { RatingSchema } from './rating';
import { RateLimitCounterSchema } from './rate-limit-counter';
import { EncounterStateSchema } from './encounter-state';
import { SlotSchema } from './slot';
import { StaffSchema } from './staff';
import { StaffRoleSchema } from './staff-role';
import { VideoRoomSchema } from './video-room';
import { VisitCodeSchema } from './visit-code';
import { VisitRegistrationSchema } from './visit-registration';

export * from './audit-log';
export * from './encounter-state';
export * from './idempotency-key';
export * from './thread-summary';
export * from './message-thread';
export * from './message';
export * from './payment';
export * from './invoice-series';
export * from './invoice-line';
export * from './invoice';
export * from './bgmax-import';
export * from './booking';
export * from './care-unit';
export * from './charge';
export * from './clinician';
export * from './deviation';
export * from './deviation-event';
export * from './eligibility-assessment';
export * from './encounter';
export * from './guardian-link';
export * from './high-cost-period';
export * from './http-session';
export * from './identity-check';
export * from './janus-handle';
export * from './join-token';
export * from './journal-note';
export * from './meeting-presence';
export * from './outbox-message';
export * from './patient';
export * from './rating';
export * from './rate-limit-counter';
export * from './visit-code';
export * from './visit-registration';
export * from './slot';
export * from './staff';
export * from './staff-role';
export * from './video-room';

export const ENTITY_SCHEMAS = [
  AuditLogSchema,
  IdempotencyKeySchema,
  ThreadSummarySchema,
  MessageThreadSchema,
  MessageSchema,
  PaymentSchema,
  InvoiceSeriesSchema,
  InvoiceLineSchema,
  InvoiceSchema,
  BgmaxImportSchema,
  BookingSchema,
  CareUnitSchema,
  ChargeSchema,
  ClinicianSchema,
  DeviationSchema,
  DeviationEventSchema,
  EligibilityAssessmentSchema,
  EncounterSchema,
  GuardianLinkSchema,
  HighCostPeriodSchema,
  HttpSessionSchema,
  IdentityCheckSchema,
  JanusHandleSchema,
  JoinTokenSchema,
  JournalNoteSchema,
  MeetingPresenceSchema,
  OutboxMessageSchema,
  PatientSchema,
  RatingSchema,
  RateLimitCounterSchema,
  EncounterStateSchema,
  SlotSchema,
  StaffSchema,
  StaffRoleSchema,
  VideoRoomSchema,
  VisitCodeSchema,
  VisitRegistrationSchema,
];
