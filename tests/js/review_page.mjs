// Drives the review desk (`audiobulletin review`) in headless Chromium the way an editor would, with
// the keyboard where it matters: axe-core on the page, a Tab walk over every control (with the
// accessible name Chromium computes), playing a flagged segment, a lexicon entry typed into the form
// (the preview updates on its own), then saved. Prints one JSON object on stdout.
// Usage: node review_page.mjs URL SECTION WRITTEN SAY
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const [url, section, written, say] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});

async function axe(page) {
  await page.evaluate(axeSource);  // through the debugger protocol: the page's CSP forbids injected scripts
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((x) => x.target.join(' ')) }));
  });
}

// RIFF/WAVE header of the bytes the play button fetched.
function wavInfo(buffer) {
  const riff = buffer.toString('ascii', 0, 4), wave = buffer.toString('ascii', 8, 12);
  let at = 12, info = { riff, wave, bytes: buffer.length };
  while (at + 8 <= buffer.length) {
    const id = buffer.toString('ascii', at, at + 4), size = buffer.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      info = { ...info, format: buffer.readUInt16LE(at + 8), channels: buffer.readUInt16LE(at + 10),
        sampleRate: buffer.readUInt32LE(at + 12), bits: buffer.readUInt16LE(at + 22) };
    } else if (id === 'data') {
      info.frames = size / (info.channels * info.bits / 8);
      info.seconds = info.frames / info.sampleRate;
      break;
    }
    at += 8 + size + (size % 2);
  }
  return info;
}

const result = {};
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const requests = [];
page.on('request', (r) => requests.push(r.url()));
try {
  await page.goto(url, { waitUntil: 'load' });
  result.title = await page.title();
  result.axe = await axe(page);

  // Every control, then Tab until focus comes back round: each must be reached, each must have a name.
  result.controls = await page.evaluate(() => {
    const all = document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
    const out = [];
    all.forEach((el, i) => {
      if (el.hidden || el.disabled || el.closest('[hidden]')) { return; }
      el.dataset.k = String(i);
      out.push(el.dataset.k);
    });
    return out;
  });
  result.tab = [];
  let first = null;
  for (let i = 0; i < result.controls.length + 5; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => (document.activeElement && document.activeElement.dataset.k) || null);
    if (key === null || key === first) { break; }
    first = first || key;
    const focused = page.locator(`[data-k="${key}"]`);
    const snapshot = (await focused.ariaSnapshot()).split('\n')[0];
    result.tab.push({ key, snapshot });
  }

  // A flagged segment: play it; the page fetches WAV bytes and announces what it plays.
  const flagged = page.locator('li.segment:has(ul.flags li:text("数字或单位已改写"))').first();
  result.flagged = { id: await flagged.getAttribute('id'), flags: await flagged.locator('ul.flags li').allTextContents() };
  const play = flagged.locator('a.play');
  let heard = null;  // the audio response, as the page received it (passed through unchanged)
  await page.route(/\/audio\/\d+\.wav$/, async (route) => {
    const response = await route.fetch({ timeout: 180000 });
    heard = { url: route.request().url(), status: response.status(), contentType: response.headers()['content-type'],
      ...wavInfo(await response.body()) };
    await route.fulfill({ response });
  });
  await play.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('正在播放'), null, { timeout: 30000 });
  result.playStatus = await page.textContent('#status');
  result.audio = heard;

  // A lexicon entry, typed: the preview lists every segment it changes, without pressing anything.
  await page.selectOption('#f-section', section);
  await page.fill('#f-written', written);
  await page.fill('#f-say', say);
  await page.waitForSelector('#preview-heading', { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('预览'), null, { timeout: 30000 });
  result.previewStatus = await page.textContent('#status');
  result.previewHeading = await page.textContent('#preview-heading');
  result.previewSegments = await page.locator('#preview li > a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  result.axeWithPreview = await axe(page);

  await page.locator('button[formaction="save"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('已保存'), null, { timeout: 60000 });
  result.saveStatus = await page.textContent('#status');
  result.alert = await page.textContent('#alert');
  result.changedRows = await page.locator('li.segment:has(dt:text("没有词典时"))').evaluateAll((rows) => rows.map((r) => r.id));
  result.entries = await page.locator('#entries tbody tr td:first-child').allTextContents();
  result.focusAfterSave = await page.evaluate(() => document.activeElement.getAttribute('formaction'));
  result.external = requests.filter((r) => !r.startsWith(new URL(url).origin) && !r.startsWith('blob:'));
} finally {
  await context.close();
  await browser.close();
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
