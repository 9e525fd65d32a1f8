/** Typed errors raised by the pure domain rules: each names what was wrong and why. */

/** Base class: `field` is the input that was wrong, `reason` a stable machine-readable code. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A date, instant or amount that cannot be what it claims to be. */
export class InvalidInputError extends DomainError {}
