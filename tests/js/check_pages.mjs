// Checks web pages in headless Chromium the way a reader with a screen reader or zoom meets them:
// axe-core violations, the first element Tab reaches, horizontal overflow at 200% and 400% zoom,
// and, on an edition page, that the script highlights the sentence heard and jump links seek, and
// the length written beside the MP3 link with the length the player reads from the MP3.
// Usage: node check_pages.mjs [--screenshots DIR] URL...   Prints one JSON array on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const args = process.argv.slice(2);
let screenshots = null;
if (args[0] === '--screenshots') { screenshots = args[1]; args.splice(0, 2); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// Browser zoom on a 1280x800 window: 200% lays the page out in 640 CSS px, 400% in 320 (WCAG 1.4.10).
const ZOOMS = [{ zoom: 200, width: 640, height: 400 }, { zoom: 400, width: 320, height: 200 }];

async function check(url, n) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((x) => x.target.join(' ')) }));
  });
  await page.keyboard.press('Tab');
  const firstFocus = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el.tagName.toLowerCase(), className: el.className, href: el.getAttribute('href'), text: el.textContent.trim(),
      visible: el.getBoundingClientRect().top >= 0 };
  });
  // With JavaScript: seeking highlights the sentence heard, a jump link seeks the page's player.
  const sync = await page.evaluate(async () => {
    const audio = document.getElementById('player');
    if (!audio) { return null; }
    if (audio.readyState < 1) {
      await Promise.race([new Promise((ok) => audio.addEventListener('loadedmetadata', ok, { once: true })),
        new Promise((ok) => setTimeout(ok, 10000))]);
    }
    const spans = document.querySelectorAll('.s[data-start]');
    const target = spans[Math.min(3, spans.length - 1)];
    const mid = (parseFloat(target.dataset.start) + parseFloat(target.dataset.end)) / 2;
    audio.currentTime = mid;
    audio.dispatchEvent(new Event('timeupdate'));
    const now = Array.from(document.querySelectorAll('.now')).map((el) => el.id);
    const jump = document.querySelectorAll('article a.jump')[1] || document.querySelector('a.jump');
    jump.click();
    audio.pause();
    // the length the page writes next to the MP3 link, and the one the player itself knows
    const download = document.querySelector('.listen ul a[href$=".mp3"]');
    return { expected: target.id, highlighted: now, jumpStart: parseFloat(jump.dataset.start), afterJump: audio.currentTime,
      duration: audio.duration, downloadText: download ? download.textContent : null };
  });
  await context.close();

  const zoom = [];
  for (const z of ZOOMS) {
    const zc = await browser.newContext({ viewport: { width: z.width, height: z.height }, deviceScaleFactor: z.zoom / 100 });
    const zp = await zc.newPage();
    await zp.goto(url, { waitUntil: 'load' });
    const overflow = await zp.evaluate(() => {
      const root = document.documentElement;
      const wide = Array.from(document.body.querySelectorAll('*'))
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && el.getClientRects().length)
        .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 10) };
    });
    if (screenshots) { await zp.screenshot({ path: `${screenshots}/page${n}-zoom${z.zoom}.png` }); }
    zoom.push({ zoom: z.zoom, ...overflow });
    await zc.close();
  }
  const external = requests.filter((r) => !r.startsWith(new URL(url).origin));
  return { url, violations: axe, firstFocus, zoom, external, sync };
}

const results = [];
try {
  for (let i = 0; i < args.length; i++) { results.push(await check(args[i], i)); }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
