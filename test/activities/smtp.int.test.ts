/** The SMTP adapter against a real local SMTP server (smtp-server from npm), in clear and over TLS. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { createSmtpMailer } from '../../activities/mail';
import { loadConfig } from '../../config';
import { SAFE } from '../support/production-env';

const FROM = 'Vårdmöte <no-reply@vardmote.local>';
const MESSAGE = { to: 'anna@example.se', subject: 'Kallelse', html: '<p>Hej Anna</p>', text: 'Hej Anna' };

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function selfSigned(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-tls-'));
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  const out = {
    key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const TLS = selfSigned();

/** Starts a peer; each delivered message is kept with whether its session was encrypted. */
async function peer(opts: SMTPServerOptions) {
  const received: Array<{ data: string; secure: boolean }> = [];
  const server = new SMTPServer({
    authOptional: true,
    ...opts,
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c) => (data += String(c)));
      stream.on('end', () => (received.push({ data, secure: session.secure }), cb()));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The SMTP URL as production's configuration hands it to the worker. */
const productionUrl = (url: string) => loadConfig({ ...SAFE, SMTP_URL: url }).mail.smtpUrl!;

it('delivers subject, recipient and both bodies over SMTP', async () => {
  const smtp = await peer({ disabledCommands: ['STARTTLS'] });
  try {
    const res = await createSmtpMailer(`smtp://127.0.0.1:${smtp.port}`, FROM).send(MESSAGE);
    expect(res.status).toBe('sent');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].data).toMatch(/^To: anna@example\.se/m);
    expect(smtp.received[0].data).toMatch(/^Subject: Kallelse/m);
    expect(smtp.received[0].data).toContain('Hej Anna');
  } finally {
    await smtp.close();
  }
});

it('in production refuses to send to a server that offers no STARTTLS: nothing goes out in clear', async () => {
  const smtp = await peer({ disabledCommands: ['STARTTLS'] });
  try {
    const mailer = createSmtpMailer(productionUrl(`smtp://127.0.0.1:${smtp.port}`), FROM);
    await expect(mailer.send(MESSAGE)).rejects.toThrow(/STARTTLS|TLS/);
    expect(smtp.received).toHaveLength(0);
  } finally {
    await smtp.close();
  }
});

it('in production sends over STARTTLS to a server that offers it, checking its certificate', async () => {
  const smtp = await peer({ key: TLS.key, cert: TLS.cert });
  try {
    const url = productionUrl(`smtp://127.0.0.1:${smtp.port}`);
    // An untrusted (self-signed) certificate is refused, not skipped…
    await expect(createSmtpMailer(url, FROM).send(MESSAGE)).rejects.toThrow(/certificate/i);
    expect(smtp.received).toHaveLength(0);
    // …and with its CA trusted the message goes over the encrypted session.
    const res = await createSmtpMailer(url, FROM, { tls: { ca: TLS.cert } }).send(MESSAGE);
    expect(res.status).toBe('sent');
    expect(smtp.received).toEqual([expect.objectContaining({ secure: true })]);
    expect(smtp.received[0].data).toContain('Hej Anna');
  } finally {
    await smtp.close();
  }
});

it('sends over implicit TLS (smtps://)', async () => {
  const smtp = await peer({ secure: true, key: TLS.key, cert: TLS.cert });
  try {
    const url = productionUrl(`smtps://127.0.0.1:${smtp.port}`);
    const res = await createSmtpMailer(url, FROM, { tls: { ca: TLS.cert } }).send(MESSAGE);
    expect(res.status).toBe('sent');
    expect(smtp.received).toEqual([expect.objectContaining({ secure: true })]);
  } finally {
    await smtp.close();
  }
});

it('requireTls on the adapter itself refuses a server without STARTTLS', async () => {
  const smtp = await peer({ disabledCommands: ['STARTTLS'] });
  try {
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${smtp.port}`, FROM, { requireTls: true });
    await expect(mailer.send(MESSAGE)).rejects.toThrow(/STARTTLS|TLS/);
    expect(smtp.received).toHaveLength(0);
  } finally {
    await smtp.close();
  }
});
