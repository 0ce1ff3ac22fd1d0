// The Reminders dialog tells the team: e-mail set up against a real SMTP
// server on loopback (Debian's python3-aiosmtpd, started here, writing a
// Maildir), and "Send a test message" arrives there. The settings are kept.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before } from 'node:test';
import { env, eventually, session } from '../lib/app.js';

const app = session('reminders');
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-aiosmtpd is
let smtp = null;
let port = 0;
const maildir = path.join(env.dir, 'reminders-maildir');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

const accepts = (p) =>
  new Promise((resolve) => {
    const c = net.connect(p, '127.0.0.1', () => {
      c.end();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });

before(async () => {
  port = await freePort();
  fs.rmSync(maildir, { recursive: true, force: true });
  smtp = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await eventually(async () => assert.ok(await accepts(port), `aiosmtpd listens on ${port}`), { timeout: 15_000 });
});

after(() => {
  smtp?.kill('SIGTERM');
});

/** The messages in the Maildir, as text. */
function received() {
  const dir = path.join(maildir, 'new');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

app.test('the Reminders dialog sets up e-mail, and its test message arrives', async () => {
  await app.open();
  await app.setLanguage('en');
  await app.byTestId('reminders').click();
  const dialog = app.byTestId('reminder-dialog');
  await dialog.waitFor();
  await app.byTestId('team-host').fill('127.0.0.1');
  await app.byTestId('team-port').fill(String(port));
  await app.byTestId('team-from').fill('dpgcerts@kommune.dk');
  await app.byTestId('team-to').fill('it-drift@kommune.dk, dpg-team@kommune.dk');
  await app.byTestId('team-test-email').click();
  const result = app.byTestId('team-test-email-result');
  await eventually(async () => assert.equal(await result.innerText(), 'Delivered to 127.0.0.1.'));
  await eventually(() => {
    const msgs = received();
    assert.equal(msgs.length, 1, 'one message in the Maildir');
    assert.match(msgs[0], /^Subject: \[DPG\] Test message from DPG Certificates/m);
    assert.match(msgs[0], /^To: .*it-drift@kommune\.dk/m);
  });
  await app.shot('reminders-test-sent');

  // Saved, and there when the dialog opens again.
  await app.byTestId('remind-save').click();
  await dialog.waitFor({ state: 'detached' });
  await app.byTestId('reminders').click();
  await eventually(async () => assert.equal(await app.byTestId('team-host').inputValue(), '127.0.0.1'));
  assert.equal(await app.byTestId('team-port').inputValue(), String(port));
  assert.equal(await app.byTestId('team-to').inputValue(), 'it-drift@kommune.dk, dpg-team@kommune.dk');
});

app.test('a server that is down is said so, translated', async () => {
  await app.open();
  await app.setLanguage('da');
  await app.byTestId('reminders').click();
  // The saved settings (the first test's) fill the form once they arrive:
  // type over them only then, or they overwrite what was typed.
  await eventually(async () => assert.equal(await app.byTestId('team-host').inputValue(), '127.0.0.1'));
  await app.byTestId('team-port').fill(String(await freePort()));
  await app.byTestId('team-test-email').click();
  const result = app.byTestId('team-test-email-result');
  await eventually(async () => assert.match(await result.innerText(), /^Ikke sendt: Mailserveren kunne ikke nås/));
  // Esc closes the dialog; its backdrop would take the language flag's click.
  await app.page.keyboard.press('Escape');
  await app.byTestId('reminder-dialog').waitFor({ state: 'detached' });
  await app.setLanguage('en');
});
