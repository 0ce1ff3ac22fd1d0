// The language switch: texts change at once, dates follow the language
// (15.03.2027 in Danish), and the choice is remembered.
import assert from 'node:assert/strict';
import { eventually, manifest, session } from '../lib/app.js';

const app = session('language');

// The row of the certificate that expires on manifest.datedDay.
const datedRow = () => app.row('certs/exchange-online.p12');
const [year, month, day] = manifest.datedDay.split('-');
const danishDate = `${day}.${month}.${year}`; // 15.03.2027

async function texts() {
  return {
    valid: await app.byTestId('tile-valid').innerText(),
    expiring: await app.byTestId('tile-expiring').innerText(),
    addFiles: await app.byTestId('add-files').innerText(),
    help: (await app.byTestId('help-button').innerText()) || (await app.byTestId('help-button').getAttribute('aria-label')),
    searchPlaceholder: await app.byTestId('search').getAttribute('placeholder'),
    row: await datedRow().innerText(),
  };
}

app.test('switching to Danish changes the texts and the date format, and back', async () => {
  await app.open();
  await app.setLanguage('en');
  const en = await texts();
  assert.ok(en.row.includes(year), `the English row shows the expiry year: ${en.row}`);
  assert.ok(!en.row.includes(danishDate), `the English row has no Danish date: ${en.row}`);
  await app.shot('language-en');

  await app.byTestId('lang-toggle').click();
  await eventually(async () => assert.equal(await app.language(), 'da'));
  await eventually(async () => {
    const da = await texts();
    assert.ok(da.row.includes(danishDate), `the Danish row shows ${danishDate}: ${da.row}`);
    for (const key of ['valid', 'expiring', 'addFiles', 'help', 'searchPlaceholder']) {
      assert.notEqual(da[key], en[key], `${key} is translated`);
    }
  });
  assert.equal(await app.page.evaluate(() => document.documentElement.lang), 'da');
  await app.shot('language-da');

  await app.byTestId('lang-toggle').click();
  await eventually(async () => assert.equal(await app.language(), 'en'));
  await eventually(async () => assert.deepEqual(await texts(), en));
});

app.test('the language choice is remembered', async () => {
  await app.open();
  await app.setLanguage('da');
  await app.open(); // a reload asks the backend again
  assert.equal(await app.language(), 'da');
  await eventually(async () => assert.ok((await datedRow().innerText()).includes(danishDate)));
  await app.setLanguage('en');
  await app.open();
  assert.equal(await app.language(), 'en');
});
