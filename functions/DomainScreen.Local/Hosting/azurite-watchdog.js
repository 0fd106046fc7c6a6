// Runs Azurite in this Node.js process and ends it when the process that started it is gone, even when that
// process was killed with SIGKILL and could not stop its children: the parent's exit re-parents this process,
// which changes process.ppid. Usage: node azurite-watchdog.js <path to azurite.js> [azurite arguments...]
"use strict";
const [main, ...args] = process.argv.slice(2);
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 250).unref();
process.argv = [process.argv[0], main, ...args];
require(main);
