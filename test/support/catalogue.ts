/** The patient's side's catalogues in tests (issue 28): their texts, and Swedish found where English is wanted. */
import { sv } from '../../domain/locales/sv';

/** Every leaf of a catalogue as [dotted key, text]. */
export function leaves(o: object, prefix = ''): Array<[string, string]> {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v as object, `${prefix}${k}.`),
  );
}

/** Everyday Swedish words no English page or mail has (names of people, units and places aside). */
export const SWEDISH_WORDS = [' och ', ' du ', ' Du ', ' är ', 'Tiden', ' för ', ' att ', ' inte ', 'Hej ', ' mötet'];

/**
 * The Swedish catalogue's sentences (the longest stretch between placeholders, four words or more) and
 * the everyday Swedish words found in `text`.
 */
export function swedishIn(text: string): string[] {
  const squashed = ` ${text.replace(/\s+/g, ' ')} `;
  const sentences = leaves(sv)
    .map(([, t]) =>
      t
        .split(/\{\w+\}/)
        .sort((a, b) => b.length - a.length)[0]
        .trim(),
    )
    .filter((t) => t.split(' ').length >= 4 && squashed.includes(t));
  return [...sentences, ...SWEDISH_WORDS.filter((w) => squashed.includes(w))];
}
