// Runs Azurite in this Node.js process and ends it when the process that started it is gone, even when that
// process was killed with SIGKILL and could not stop its children: the parent's exit re-parents this process,
// which changes process.ppid. Usage: node azurite-watchdog.js <path to azurite.js> [azurite arguments...]
// Azurite is asked to stop as a signal would (its SIGTERM handler closes its stores, which saves data kept on disk
// since the last 5-second save); if it has not ended 30 s later, the process exits anyway.
"use strict";
const [main, ...args] = process.argv.slice(2);
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  setTimeout(() => process.exit(0), 30000).unref();
  process.kill(process.pid, "SIGTERM");
}, 250);
watch.unref();
process.argv = [process.argv[0], main, ...args];
require(main);
