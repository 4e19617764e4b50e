// run.js: the browser suite: every scenario in one Chromium, one summary
// line "browser: N passed, N failed".
'use strict';
const { counts, fail } = require('./lib');

const scenarios = [['comments', require('./comments')], ['xss', require('./xss')]];

(async () => {
  for (const [name, fn] of scenarios) {
    try {
      await fn();
    } catch (e) {
      fail(`${name} raised: ${e.stack || e}`);
    }
  }
  const { passed, failed } = counts();
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
