/** The mail port, its SMTP adapter (nodemailer) and an outbox-only stand-in for the embedded default. */
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { requireSmtpTls } from './smtp-url';

export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Files sent with the message (the invoice PDF); the outbox keeps the HTML and text only. */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export interface Mailer {
  /** 'sent' when handed to an SMTP server; 'stored' when only kept in the outbox table. */
  send(msg: MailMessage): Promise<{ status: 'sent' | 'stored'; messageId?: string }>;
}

export interface SmtpOptions {
  /** Never send without TLS (smtps://, or STARTTLS on smtp://); production's config URL already says so. */
  requireTls?: boolean;
  /** TLS settings for the connection, e.g. the CA of a relay with a private certificate. */
  tls?: ConnectionOptions;
}

/**
 * Sends through an SMTP server.
 * @param url - smtp://user:pass@host:port (smtps:// for implicit TLS; `?requireTLS=true` for mandatory STARTTLS)
 * @param from - the From header
 * @param opts - TLS requirements
 */
export function createSmtpMailer(url: string, from: string, opts: SmtpOptions = {}): Mailer {
  // nodemailer ignores every other option when given a URL, so the URL is parsed here and the TLS options added.
  const fromUrl = parseConnectionUrl(opts.requireTls ? requireSmtpTls(url) : url);
  const transport = nodemailer.createTransport({ ...fromUrl, tls: { ...fromUrl.tls, ...opts.tls } });
  return {
    async send(msg) {
      const info = await transport.sendMail({
        from,
        to: msg.to,
        subject: msg.subject,
        html: msg.html,
        text: msg.text,
        attachments: msg.attachments,
      });
      return { status: 'sent', messageId: info.messageId };
    },
  };
}

/** No SMTP configured: messages stay in the outbox for the admin to read. */
export const outboxOnlyMailer: Mailer = {
  async send() {
    return { status: 'stored' };
  },
};
