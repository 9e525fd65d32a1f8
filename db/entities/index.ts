/** Every entity schema, in one list for the ORM. */
export * from './audit-log';
export * from './booking';
export * from './care-unit';
export * from './clinician';
export * from './deviation';
export * from './encounter';
export * from './guardian-link';
export * from './patient';
export * from './slot';
import { AuditLogSchema } from './audit-log';
import { BookingSchema } from './booking';
import { CareUnitSchema } from './care-unit';
import { ClinicianSchema } from './clinician';
import { DeviationSchema } from './deviation';
import { EncounterSchema } from './encounter';
import { GuardianLinkSchema } from './guardian-link';
import { PatientSchema } from './patient';
import { SlotSchema } from './slot';

export const ENTITY_SCHEMAS = [
  AuditLogSchema,
  BookingSchema,
  CareUnitSchema,
  ClinicianSchema,
  DeviationSchema,
  EncounterSchema,
  GuardianLinkSchema,
  PatientSchema,
  SlotSchema,
];
