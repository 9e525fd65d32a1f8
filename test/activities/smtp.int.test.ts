/** The SMTP adapter against a real local SMTP server (smtp-server from npm). */
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../activities/mail';

it('delivers subject, recipient and both bodies over SMTP', async () => {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let data = '';
      stream.on('data', (c) => (data += String(c)));
      stream.on('end', () => (received.push(data), cb()));
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  try {
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'Vårdmöte <no-reply@vardmote.local>');
    const res = await mailer.send({
      to: 'anna@example.se',
      subject: 'Kallelse',
      html: '<p>Hej Anna</p>',
      text: 'Hej Anna',
    });
    expect(res.status).toBe('sent');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^To: anna@example\.se/m);
    expect(received[0]).toMatch(/^Subject: Kallelse/m);
    expect(received[0]).toContain('Hej Anna');
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
