// comments.js: a reader posts, replies and fixes a bad submission in real
// Chromium, with JavaScript off and on; no step may need JavaScript.
'use strict';
const { ARTICLE, check, eq, launch, startSite, testCase } = require('./lib');

async function scenario(jsOn) {
  const tag = jsOn ? 'js on' : 'js off';
  const site = await startSite({ GAZETTE_COMMENT_MIN_FILL: '0', GAZETTE_COMMENT_RATE: '0',
    GAZETTE_MODERATION: 'none' });
  const b = await launch({ javaScriptEnabled: jsOn });
  const page = await b.ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    // open the article and post a comment
    let r = await page.goto(site.base + ARTICLE);
    eq(r.status(), 200, `${tag}: article`);
    check(await page.locator('h2#post-comment', { hasText: 'Post a Comment' }).count() === 1,
      `${tag}: form heading`);
    check(!(await page.locator('#c-website2').isVisible()) ||
      (await page.locator('#c-website2').boundingBox()).x < 0, `${tag}: honeypot out of sight`);
    await page.fill('#c-author', `Reader (${tag})`);
    await page.fill('#c-email', 'reader@example.com');
    await page.fill('#c-body', `First *comment* from the browser, ${tag}.`);
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    const m = /#c-(\d+)$/.exec(page.url());
    check(m !== null, `${tag}: lands on the new comment: ${page.url()}`);
    const id = m ? m[1] : '0';
    const c = page.locator(`article.comment#c-${id}`);
    eq(await c.count(), 1, `${tag}: comment shown`);
    check((await c.innerText()).includes(`First comment from the browser, ${tag}.`), `${tag}: its text`);
    eq(await c.locator('em').innerText(), 'comment', `${tag}: markdown emphasis`);
    check(!(await page.content()).includes('reader@example.com'), `${tag}: email not shown`);

    // reply through the reply link: parent is pre-set without script
    await Promise.all([page.waitForNavigation(), c.locator('a.reply').first().click()]);
    eq(await page.inputValue('input[name=parent]'), id, `${tag}: reply link pre-sets parent`);
    check((await page.locator('.replying').innerText()).includes(`Reader (${tag})`), `${tag}: replying to`);
    await page.fill('#c-author', 'Replier');
    await page.fill('#c-body', 'A reply.');
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    const m2 = /#c-(\d+)$/.exec(page.url());
    check(m2 !== null, `${tag}: reply posted: ${page.url()}`);
    const nested = page.locator(`article.comment#c-${id} ol.replies article.comment#c-${m2 ? m2[1] : 0}`);
    eq(await nested.count(), 1, `${tag}: reply nested inside its parent`);
    check(await nested.isVisible(), `${tag}: reply visible`);

    // an empty submission: errors shown, text kept
    await page.goto(site.base + ARTICLE);
    await page.fill('#c-author', 'Kept Name');
    await page.fill('#c-url', 'https://kept.example/');
    r = null;
    page.once('response', (resp) => { if (resp.request().method() === 'POST') r = resp; });
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    eq(r && r.status(), 400, `${tag}: empty body refused`);
    check((await page.locator('#body-error').innerText()).includes('please write a comment'),
      `${tag}: error next to the body`);
    eq(await page.getAttribute('#c-body', 'aria-invalid'), 'true', `${tag}: body marked invalid`);
    eq(await page.inputValue('#c-author'), 'Kept Name', `${tag}: name kept`);
    eq(await page.inputValue('#c-url'), 'https://kept.example/', `${tag}: url kept`);
    check((await page.locator('.form-error').innerText()).includes('not posted'), `${tag}: form notice`);
    // fix it and send again from the re-shown form
    await page.fill('#c-body', 'Now with text.');
    await Promise.all([page.waitForNavigation(), page.click('form.comment-form button[type=submit]')]);
    check(/#c-\d+$/.test(page.url()), `${tag}: corrected comment posted`);
    check((await page.locator('article.comment', { hasText: 'Now with text.' }).count()) === 1,
      `${tag}: corrected comment shown`);
    eq(errors.filter((e) => /Content Security Policy/i.test(e)), [], `${tag}: no CSP violations`);
  } finally {
    await b.close();
    await site.stop();
  }
}

module.exports = async function () {
  await testCase('comments: js off', () => scenario(false));
  await testCase('comments: js on', () => scenario(true));
};
