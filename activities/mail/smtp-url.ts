/** SMTP_URL: which settings would let mail go out in clear, and the same URL with TLS made mandatory. */

/** nodemailer reads a query value `false`, `0` or empty as off and anything else as on. */
const isOff = (v: string) => v === 'false' || Number(v) === 0;

/**
 * Why this URL could send patient mail without TLS (or to anyone holding any certificate), or null.
 * @param url - smtp://… or smtps://…, as nodemailer reads it
 */
export function smtpClearTextProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL that can be checked for TLS';
  }
  const q = (k: string) => u.searchParams.get(k);
  if (q('ignoreTLS') !== null && !isOff(q('ignoreTLS')!))
    return 'ignoreTLS turns STARTTLS off, so mail would go in clear';
  if (u.protocol === 'smtp:' && q('requireTLS') !== null && isOff(q('requireTLS')!))
    return 'requireTLS=false lets mail go in clear when the server offers no STARTTLS';
  if (u.protocol === 'smtps:' && q('secure') !== null && isOff(q('secure')!))
    return 'secure=false turns the implicit TLS of smtps:// off';
  if (q('tls.rejectUnauthorized') !== null && isOff(q('tls.rejectUnauthorized')!))
    return "tls.rejectUnauthorized=false accepts any server's certificate";
  return null;
}

/**
 * The URL with TLS required: smtps:// is TLS from the first byte; smtp:// gets `requireTLS=true`,
 * so nodemailer refuses to send unless STARTTLS succeeds (a server without it, or a stripped
 * STARTTLS offer, fails the message instead of sending it in clear).
 * @param url - smtp://… or smtps://…
 */
export function requireSmtpTls(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'smtp:') return url;
  u.searchParams.delete('ignoreTLS');
  u.searchParams.set('requireTLS', 'true');
  return u.toString();
}
