/** Query and form fields of the back-office pages: an empty field is an absent one. */
import { z } from 'zod';

/** An empty form field counts as not given. */
export const blank = (v: unknown) => (v === '' ? undefined : v);
/** An optional field that may come empty. */
export const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blank, schema.optional());
/** An optional calendar day, 'YYYY-MM-DD' (a date input). */
export const optionalDay = optional(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'));
/** An optional calendar month, 'YYYY-MM' (a month input). */
export const optionalMonth = optional(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM'));
