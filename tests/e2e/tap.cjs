// Preloaded into a reference server by the end-to-end tests (`node -r tap.cjs server.js …`), so
// that a test can see what reached the server and which process it is:
// appends `PID <pid>` and then every chunk the server reads on stdin to the file $E2E_TAP_LOG.
//
// It wraps `process.stdin.emit` rather than adding a `data` listener: a listener would switch the
// stream to flowing mode before the server attaches its own, and the server would miss the first
// messages. Without $E2E_TAP_LOG it does nothing.
"use strict";

const fs = require("fs");

const log = process.env.E2E_TAP_LOG;
if (log) {
  fs.appendFileSync(log, `PID ${process.pid}\n`);
  const stdin = process.stdin;
  const emit = stdin.emit;
  stdin.emit = function (event, ...args) {
    if (event === "data" && args.length > 0) {
      fs.appendFileSync(log, args[0]);
    }
    return emit.call(this, event, ...args);
  };
}
