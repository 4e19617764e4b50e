// xss.js: hostile comments rendered in Chromium. Each payload would set a
// marker (window.__xss, the title, a dialog) if any of it ran; none may,
// and what the reader typed must still be readable as text. The page is
// loaded with the Content-Security-Policy bypassed, so the escaping alone
// is on trial, and once more with it in force.
'use strict';
const { ARTICLE, check, eq, fail, launch, post, startSite, testCase } = require('./lib');

// {X} is an expression that sets the markers when run.
const RAW = [
  '<script>{X}</script>',
  '<SCRIPT SRC=//x.invalid/x.js></SCRIPT>',
  '<script>/*</script><script>{X}//*/</script>',
  '<img src=x onerror="{X}">',
  '<img src=x onerror={X}>',
  '<IMG SRC="jav&#x09;ascript:{X}">',
  '<svg onload={X}>',
  '<svg><script>{X}</script></svg>',
  '<body onload={X}>',
  '<iframe src="javascript:{X}"></iframe>',
  '<iframe srcdoc="<script>parent.{X}</script>">',
  '<a href="javascript:{X}">click</a>',
  '<a href=javascript:{X}>x</a>',
  '<div style="background:url(javascript:{X})">',
  '<input autofocus onfocus={X}>',
  '<details open ontoggle={X}>',
  '<video><source onerror="{X}"></video>',
  '<object data="javascript:{X}"></object>',
  '<embed src="javascript:{X}">',
  '<math><mtext><table><mglyph><style><img src=x onerror={X}>',
  '<form><button formaction=javascript:{X}>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:{X}">',
  '<base href="javascript:{X}//">',
  '<link rel=import href="data:text/html,<script>{X}</script>">',
  '"><script>{X}</script>',
  '\'><img src=x onerror={X}>',
  '" onmouseover="{X}" x="',
  '\' onfocus=\'{X}\' autofocus \'',
  '</textarea><script>{X}</script>',
  '</title><script>{X}</script>',
  '</li></ol></article><script>{X}</script>',
  '-->< script>{X}</script><!--',
  '<!--<img src="--><img src=x onerror={X}//">',
  '<![CDATA[<script>{X}</script>]]>',
  '&lt;script&gt;{X}&lt;/script&gt;',
  '&#60;script&#62;{X}&#60;/script&#62;',
  '\\u003cscript\\u003e{X}\\u003c/script\\u003e',
  '%3Cscript%3E{X}%3C/script%3E',
  '＜script＞{X}＜/script＞',
  '<scr\u200bipt>{X}</scr\u200bipt>',
  '<img src=x onerror=&#x61;lert(1)//{X}>',
  '"\'`><img src=x onerror={X}>',
  '<a href="&#106;avascript:{X}">e</a>',
  '<a href="java\tscript:{X}">t</a>',
  '[click](javascript:{X})',
  '[click](JaVaScRiPt:{X})',
  '[click]( javascript:{X})',
  '[click](&#106;avascript:{X})',
  '[click](java%0ascript:{X})',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:{X})',
  '[x](https://example.com/"onmouseover="{X})',
  '[x](https://example.com/ "title\\" onmouseover=\\"{X}")',
  '![img](javascript:{X})',
  '![x" onerror="{X}](https://example.com/i.png)',
  '<javascript:{X}>',
  '<https://example.com/" onmouseover="{X}>',
  '[ref][r]\n\n[r]: javascript:{X}',
  '`<script>{X}</script>`',
  '```\n</code></pre><script>{X}</script>\n```',
  '> <script>{X}</script>',
  '- <img src=x onerror={X}>',
  '**<svg onload={X}>**',
  '\u202e<script>{X}</script>',
  '<a href="https://example.com/" onclick="{X}">ok</a>',
];

// Hostile values for the url field: refused (400), or shown only as an
// http(s) link that stays inside its attribute.
const URLS = [
  'javascript:{X}', 'JAVASCRIPT:{X}', ' javascript:{X}', 'java\tscript:{X}',
  'data:text/html,<script>{X}</script>', 'vbscript:{X}', '//example.com/x',
  'https://example.com/" onmouseover="{X}', "https://example.com/' onmouseover='{X}",
  "https://example.com/'onmouseover='{X}'", 'https://example.com/<script>',
  'http://example.com/?q=a&b="><script>{X}</script>', 'https:javascript:{X}',
  'https://example.com/#\'-{X}-\'', 'http://example.com/%22%3E%3Cscript%3E',
];

function marker(i) {
  return `window.__xss=${i},document.title='pwned${i}',alert(${i})`;
}

// What a reader sees of a body: Markdown that makes something of the
// payload changes its text (link text only, entities decoded, code
// fences and quote marks gone), so those compare against what they mean.
function visibleBody(p) {
  return p;
}

async function render(site, bypassCSP, ids) {
  const b = await launch({ bypassCSP, javaScriptEnabled: true });
  const page = await b.ctx.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  const tag = bypassCSP ? 'no CSP' : 'CSP';
  try {
    await page.goto(site.base + ARTICLE, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    // hover and focus everything in the comments, then click every link
    // that is not plainly http(s) or mailto (there should be none)
    const links = await page.$$eval('#comments a', (as) => as.map((a) => a.href));
    const bad = links.filter((h) => !/^(https?:|mailto:)/i.test(h));
    eq(bad, [], `${tag}: every comment link is http(s) or mailto`);
    for (const el of await page.$$('#comments article.comment *')) {
      await el.hover({ timeout: 200, force: true }).catch(() => {});
    }
    const st = await page.evaluate(() => ({
      xss: window.__xss, title: document.title,
      scripts: document.querySelectorAll('#comments script').length,
      handlers: [...document.querySelectorAll('#comments *')].filter(
        (e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      frames: document.querySelectorAll('#comments iframe, #comments object, #comments embed, #comments img, #comments svg').length,
    }));
    eq(st.xss, undefined, `${tag}: no payload ran (window.__xss)`);
    check(!/pwned/.test(st.title), `${tag}: title untouched: ${st.title}`);
    eq(dialogs, [], `${tag}: no dialogs`);
    eq(st.scripts, 0, `${tag}: no script elements in comments`);
    eq(st.handlers, 0, `${tag}: no event handler attributes in comments`);
    eq(st.frames, 0, `${tag}: no embedded content in comments`);
    if (!bypassCSP) return;
    // each payload's text is still there, as text
    for (const [i, p, id] of ids) {
      const c = page.locator(`article#c-${id}`);
      if ((await c.count()) !== 1) { fail(`payload ${i}: comment c-${id} not on the page`); continue; }
      const author = await c.locator('.comment-author').innerText();
      eq(author.replace(/\s+/g, ' '), p.author.replace(/\s+/g, ' '), `payload ${i}: author shown as typed`);
      const body = (await c.locator('.comment-body').innerText()).replace(/\s+/g, ' ').trim();
      const want = p.body.replace(/\s+/g, ' ').trim();
      if (p.md) check(body.includes(p.md), `payload ${i}: body text ${JSON.stringify(body)} has ${JSON.stringify(p.md)}`);
      else check(body === want, `payload ${i}: body shown as typed: ${JSON.stringify(body)} vs ${JSON.stringify(want)}`);
    }
  } finally {
    await b.close();
  }
}

// Payloads that Markdown gives a meaning to: the part that stays visible.
const MD_VISIBLE = {
  '&lt;script&gt;{X}&lt;/script&gt;': '<script>',
  '<script>/*</script><script>{X}//*/</script>': '</script><script>',
  '<IMG SRC="jav&#x09;ascript:{X}">': 'ascript:',
  '&#60;script&#62;{X}&#60;/script&#62;': '<script>',
  '\\u003cscript\\u003e{X}\\u003c/script\\u003e': 'u003cscript',
  '<img src=x onerror=&#x61;lert(1)//{X}>': '<img src=x onerror=alert(1)//',
  '<a href="&#106;avascript:{X}">e</a>': '<a href="javascript:',
  '[click](javascript:{X})': 'click', '[click](JaVaScRiPt:{X})': 'click',
  '[click]( javascript:{X})': 'click', '[click](&#106;avascript:{X})': 'click',
  '[click](java%0ascript:{X})': 'click', '[click](vbscript:{X})': 'click',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)': 'click',
  '[x](https://example.com/"onmouseover="{X})': 'x',
  '[x](https://example.com/ "title\\" onmouseover=\\"{X}")': 'x',
  '![img](javascript:{X})': 'img', '![x" onerror="{X}](https://example.com/i.png)': 'x" onerror="',
  '<javascript:{X}>': 'javascript:', '<https://example.com/" onmouseover="{X}>': 'onmouseover',
  '[ref][r]\n\n[r]: javascript:{X}': 'ref', '`<script>{X}</script>`': '<script>',
  '```\n</code></pre><script>{X}</script>\n```': '</code></pre><script>',
  '> <script>{X}</script>': '<script>', '- <img src=x onerror={X}>': '<img src=x onerror=',
  '**<svg onload={X}>**': '<svg onload=', '<a href="https://example.com/" onclick="{X}">ok</a>': 'onclick=',
  '%3Cscript%3E{X}%3C/script%3E': '%3Cscript%3E',
  "'><img src=x onerror={X}>": "'><img src=x onerror=",
};

module.exports = async function () {
  const site = await startSite({ GAZETTE_COMMENT_MIN_FILL: '0', GAZETTE_COMMENT_RATE: '0',
    GAZETTE_MODERATION: 'none' });
  const ids = [];
  try {
    await testCase('xss: payloads posted', async () => {
      check(RAW.length >= 60, `at least 60 payloads (${RAW.length})`);
      let asAuthor = 0;
      for (let i = 0; i < RAW.length; i++) {
        const body = RAW[i].split('{X}').join(marker(i));
        const short = RAW[i].split('{X}').join(`window.__xss=${i}`).replace(/\n/g, ' ');
        const author = short.length <= 80 ? short : `payload ${i}`;
        if (short.length <= 80) asAuthor++;
        const r = await post(site, { author, body });
        const m = /#c-(\d+)$/.exec(r.location || '');
        if (!check(r.status === 303 && m, `payload ${i} posted: ${r.status} ${r.text.slice(0, 200)}`)) continue;
        let md = MD_VISIBLE[RAW[i]];
        if (md) md = md.split('{X}').join(marker(i));
        ids.push([i, { author: author.trim(), body, md }, m[1]]);
      }
      check(asAuthor >= 55, `most payloads posted as the author too (${asAuthor})`);
    });
    await testCase('xss: url field', async () => {
      let accepted = 0;
      for (let i = 0; i < URLS.length; i++) {
        const url = URLS[i].split('{X}').join(marker(100 + i));
        const r = await post(site, { author: `url ${i}`, body: 'url test', url });
        if (r.status === 303) {
          accepted++;
          check(/^https?:\/\/[^\s"<>]+$/.test(url.trim()), `url ${i} accepted only when http(s): ${url}`);
        } else {
          eq(r.status, 400, `url ${i} refused: ${url}`);
          check(r.text.includes('http:// or https://') || r.text.includes('control character'),
            `url ${i}: says why`);
        }
      }
      check(accepted >= 2 && accepted < URLS.length, `some urls accepted as links (${accepted})`);
    });
    await testCase('xss: rendered, CSP bypassed', () => render(site, true, ids));
    await testCase('xss: rendered under CSP', () => render(site, false, ids));
  } finally {
    await site.stop();
  }
};
