/** Column shapes shared by the entity schemas, written to match the migrations exactly (the schema-diff test checks). */

/** `timestamptz not null default now()`. */
export const createdAt = { type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' } as const;
/** A nullable `timestamptz`. */
export const optionalTime = { type: 'Date', columnType: 'timestamptz', nullable: true } as const;
/** A `date` kept as 'YYYY-MM-DD' (Stockholm calendar days, never shifted by a time zone). */
export const day = { type: 'string', columnType: 'date' } as const;

/**
 * A foreign key held as the referenced id (mapToPk), with PostgreSQL's default rules (no action),
 * as the migrations' plain `references t(id)` create it.
 * @param entity - the referenced entity's class name
 * @param fieldName - the column, e.g. 'patient_id'
 */
export function ref(
  entity: string,
  fieldName: string,
  opts: { nullable?: boolean; primary?: boolean; unique?: boolean } = {},
) {
  return {
    kind: 'm:1',
    entity,
    mapToPk: true,
    fieldName,
    deleteRule: 'no action',
    updateRule: 'no action',
    ...opts,
  } as const;
}
