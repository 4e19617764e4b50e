// run.js: the browser suite: every scenario in turn, each made of named
// cases (lib.testCase), and one summary line
// "browser: N cases, N checks: N passed, N failed".
'use strict';
const { fail, summary } = require('./lib');

const scenarios = [['comments', require('./comments')], ['xss', require('./xss')]];

(async () => {
  for (const [name, fn] of scenarios) {
    try {
      await fn();
    } catch (e) {
      // Outside its cases (starting its site, say): fails the case "main".
      fail(`${name} raised: ${e.stack || e}`);
    }
  }
  const { line, status } = summary('browser');
  console.log(line);
  process.exit(status);
})();
