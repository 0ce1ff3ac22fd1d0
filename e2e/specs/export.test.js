// Export: CSV (comma in English, semicolon and 15.03.2027 in Danish), JSON
// in the CLI's shape, and an iCalendar file with a reminder per expiry. The
// app's save dialog writes into DPGCERTS_TEST_SAVE_DIR (E2E_SAVE_DIR here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { env, eventually, fixture, manifest, session } from '../lib/app.js';

const app = session('export');
const [year, month, day] = manifest.datedDay.split('-');

function clearSaveDir() {
  assert.ok(env.saveDir, 'E2E_SAVE_DIR is set');
  fs.mkdirSync(env.saveDir, { recursive: true });
  for (const f of fs.readdirSync(env.saveDir)) fs.rmSync(path.join(env.saveDir, f), { recursive: true, force: true });
}

/** exported clicks an export button and returns the one file it saved. */
async function exported(button, ext) {
  clearSaveDir();
  await app.byTestId(button).click();
  let file;
  await eventually(
    async () => {
      const names = fs.readdirSync(env.saveDir).filter((n) => n.toLowerCase().endsWith(ext));
      assert.equal(names.length, 1, `one ${ext} file in the save folder: ${names}`);
      file = path.join(env.saveDir, names[0]);
      assert.ok(fs.statSync(file).size > 0);
    },
    { timeout: 15_000 },
  );
  // The app says where it saved the file.
  const name = path.basename(file);
  await eventually(async () => {
    const toasts = await app.byTestId('toast').allInnerTexts();
    assert.ok(toasts.some((t) => t.includes(name)), `a toast names ${name}: ${JSON.stringify(toasts)}`);
  });
  return fs.readFileSync(file, 'utf8');
}

/** csvLines splits a CSV text into lines, without the byte order mark. */
const csvLines = (text) => text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l !== '');

// Expiries still ahead, one per readable certificate (the .cer and its .p12
// share one).
const upcoming = new Set(
  manifest.files
    .filter((f) => !['locked', 'unreadable'].includes(f.status) && new Date(f.notAfter) > new Date(manifest.now))
    .map((f) => `${f.name} ${f.notAfter}`),
);

app.test('CSV in English: comma-separated, one row per file', async () => {
  await app.open();
  await app.setLanguage('en');
  const lines = csvLines(await exported('export-csv', '.csv'));
  assert.equal(lines.length, 1 + manifest.files.length, 'a header and a row per file');
  assert.ok(lines[0].split(',').length >= 8, `an English header with commas: ${lines[0]}`);
  assert.ok(!lines[0].includes(';'), `no semicolons in the English header: ${lines[0]}`);
  const jobcenter = lines.find((l) => l.includes('jobcenter@testkommune-nord.dk'));
  assert.ok(jobcenter, 'the jobcenter certificate is exported');
  assert.ok(jobcenter.includes('29189889'));
  assert.ok(lines.some((l) => l.includes(`${year}-${month}-${day}`)), 'ISO dates in English');
  await app.shot('export-csv-en');
});

app.test('CSV in Danish: semicolon-separated with Danish dates', async () => {
  await app.open();
  await app.setLanguage('da');
  try {
    const text = await exported('export-csv', '.csv');
    assert.ok(text.startsWith('\ufeff'), 'a byte order mark for Excel');
    const lines = csvLines(text);
    assert.equal(lines.length, 1 + manifest.files.length);
    assert.ok(lines[0].split(';').length >= 8, `a Danish header with semicolons: ${lines[0]}`);
    assert.ok(lines.some((l) => l.includes(`${day}.${month}.${year}`)), `Danish dates (${day}.${month}.${year})`);
    assert.ok(lines.some((l) => l.includes('sikkerpost@testkommune-nord.dk') && l.includes('blåbær-postkasse.pfx')), 'UTF-8 file names');
  } finally {
    await app.setLanguage('en');
  }
});

app.test('JSON: parses, in the shape of dpgcerts scan --json', async () => {
  await app.open();
  const report = JSON.parse(await exported('export-json', '.json'));
  assert.ok(Array.isArray(report.files), 'a files array');
  assert.equal(report.files.length, manifest.files.length);
  const byPath = new Map(report.files.map((f) => [f.path, f]));
  for (const want of manifest.files) {
    const got = byPath.get(fixture(want.path));
    assert.ok(got, `${want.path} is exported`);
    assert.equal(got.status, want.status, `${want.path}'s status`);
    if (want.name) assert.equal(got.certificate?.commonName, want.name);
  }
  const exchange = byPath.get(fixture('certs/exchange-online.p12')).certificate;
  assert.match(exchange.sha1, /^[0-9a-f]{40}$/);
  assert.match(exchange.sha256, /^[0-9a-f]{64}$/);
  assert.equal(exchange.cvr, '29189889');
});

app.test('ICS: one event with a reminder per upcoming expiry', async () => {
  await app.open();
  const ics = await exported('export-ics', '.ics');
  assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics, /END:VCALENDAR\r\n$/);
  const unfolded = ics.replace(/\r\n[ \t]/g, '');
  const events = unfolded.match(/BEGIN:VEVENT[\s\S]*?END:VEVENT/g) ?? [];
  assert.equal(events.length, upcoming.size, 'an event per certificate that has not expired');
  for (const ev of events) {
    assert.match(ev, /BEGIN:VALARM[\s\S]*TRIGGER:-P\d+D[\s\S]*END:VALARM/, 'each event has a reminder');
  }
  assert.ok(unfolded.includes(`DTSTART;VALUE=DATE:${year}${month}${day}`), 'the dated certificate has its event');
  assert.ok(!unfolded.includes('skole@testkommune-nord.dk'), 'no event for an expired certificate');
});
