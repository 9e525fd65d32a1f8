/** The mail port, its SMTP adapter (nodemailer) and an outbox-only stand-in for the embedded default. */
import nodemailer from 'nodemailer';

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

/**
 * Sends through an SMTP server.
 * @param url - smtp://user:pass@host:port (smtps:// for implicit TLS)
 * @param from - the From header
 */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
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
