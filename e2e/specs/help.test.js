// Help: the button in the bottom left corner opens the six guides, each
// with its own content, in English and in Danish.
import assert from 'node:assert/strict';
import { eventually, session } from '../lib/app.js';

const app = session('help');
const guides = ['create-certificate', 'renew-certificate', 'attention', 'overview', 'exchange-online', 'digital-post'];

/** openGuide clicks a guide's link, opening the help panel first if needed. */
async function openGuide(guide) {
  const link = app.page.locator(`[data-testid=guide-link][data-guide="${guide}"]`);
  for (let i = 0; i < 3 && !(await link.isVisible()); i++) {
    await app.byTestId('help-button').click();
    await link.waitFor({ state: 'visible', timeout: 2_000 }).catch(() => {});
  }
  await link.click();
  const content = app.byTestId('guide-content');
  await content.waitFor({ state: 'visible' });
  return content;
}

app.test('the help button sits in the bottom left corner and lists the six guides', async () => {
  await app.open();
  await app.setLanguage('en');
  const box = await app.byTestId('help-button').boundingBox();
  const viewport = app.page.viewportSize();
  assert.ok(box, 'the help button is visible');
  assert.ok(box.x < viewport.width / 2 && box.y > viewport.height / 2, `help button at ${JSON.stringify(box)}`);

  await app.byTestId('help-button').click();
  await app.byTestId('help-panel').waitFor({ state: 'visible' });
  const listed = await app.byTestId('guide-link').evaluateAll((els) => els.map((e) => e.getAttribute('data-guide')));
  assert.deepEqual(listed, guides, "the help panel lists the guides in order, the two Configure a renewed… guides together");
  await app.shot('help-panel');
});

app.test('each guide opens with its own content', async () => {
  await app.open();
  await app.setLanguage('en');
  const seen = new Map();
  for (const guide of guides) {
    const content = await openGuide(guide);
    let text = '';
    await eventually(async () => {
      text = (await content.innerText()).trim();
      assert.ok(text.length > 200, `guide ${guide} has content: ${JSON.stringify(text.slice(0, 80))}`);
      for (const [other, t] of seen) assert.notEqual(text, t, `guide ${guide} differs from ${other}`);
    });
    seen.set(guide, text);
    await app.shot(`guide-${guide}-en`);
  }
  assert.match(seen.get('create-certificate'), /MitID Erhverv/);
  assert.match(seen.get('renew-certificate'), /MitID Erhverv/);
  assert.match(seen.get('exchange-online'), /thumbprint/i);
});

app.test('the renewal guide reads in Danish after switching the language', async () => {
  await app.open();
  await app.setLanguage('en');
  const english = (await (await openGuide('renew-certificate')).innerText()).trim();
  await app.open();
  await app.setLanguage('da');
  const content = await openGuide('renew-certificate');
  await eventually(async () => {
    const danish = (await content.innerText()).trim();
    assert.ok(danish.length > 200);
    assert.notEqual(danish, english);
    assert.match(danish, /MitID Erhverv/);
    assert.match(danish, /\b(og|certifikat|adgangskode)/i, 'the guide is in Danish');
  });
  await app.shot('guide-renew-certificate-da');
  await app.open(); // the help panel may cover the language switch
  await app.setLanguage('en');
});
