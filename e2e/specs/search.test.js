// Search: the list narrows to the rows that match, and clearing it brings
// every row back. The tiles keep agreeing with what a tile filter shows.
import assert from 'node:assert/strict';
import { eventually, expectedRows, session } from '../lib/app.js';

const app = session('search');
const total = expectedRows().length;

async function search(text) {
  await app.byTestId('search').fill(text);
}

/** searchFinds searches for text and expects the rows of these fixture paths. */
async function searchFinds(text, want) {
  await search(text);
  await expectPaths(want);
}

async function expectPaths(want) {
  await eventually(async () => {
    const paths = (await app.rowPaths()).map((p) => p.slice(p.indexOf('/certs/') + 1)).sort();
    assert.deepEqual(paths, [...want].sort());
  });
}

app.test('searching by name narrows the list', async () => {
  await app.open();
  await app.setLanguage('en');
  await eventually(async () => assert.equal(await app.rows().count(), total));
  await searchFinds('jobcenter', ['certs/jobcenter.p12']);
  await app.shot('search-jobcenter');
});

app.test('a name found in two files of one certificate shows its one row, and either path finds it', async () => {
  await app.open();
  await searchFinds('exchange@', ['certs/exchange-online.p12']);
  assert.equal(await app.rows().first().getAttribute('data-files'), '2');
  await searchFinds('offentlig', ['certs/exchange-online.p12']);
});

app.test('searching is case-insensitive and finds Danish letters in file names', async () => {
  await app.open();
  await searchFinds('BORGERSERVICE', ['certs/borgerservice.p12']);
  await searchFinds('blåbær', ['certs/sikker-post/blåbær-postkasse.pfx']);
});

app.test('a file without a certificate is found by its file name', async () => {
  await app.open();
  await searchFinds('noter.txt', ['certs/noter.txt']);
});

app.test('no match shows no rows, and clearing the search shows all again', async () => {
  await app.open();
  await search('ingen-saadan-fil-zzz');
  await eventually(async () => assert.equal(await app.rows().count(), 0));
  await search('');
  await eventually(async () => assert.equal(await app.rows().count(), total));
});

app.test('search and a tile filter combine', async () => {
  await app.open();
  await search('testkommune-nord.dk');
  await app.byTestId('tile-expiring').click();
  await expectPaths(['certs/borgerservice.p12', 'certs/jobcenter.p12']);
  await searchFinds('jobcenter', ['certs/jobcenter.p12']);
  await app.byTestId('tile-expiring').click();
  await search('');
  await eventually(async () => assert.equal(await app.rows().count(), total));
});
