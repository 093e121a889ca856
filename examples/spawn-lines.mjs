import { spawn } from 'nsbox';

// A running sandbox: read its output line by line, then stop it and everything it started.
const box = await spawn(['/bin/sh', '-c', 'for i in 1 2 3; do echo "tick $i"; done; sleep 60'], { privateTmp: true, protectSystem: 'strict' });
for await (const line of box.lines()) {
  console.log(line);
  if (line === 'tick 3') break;
}
box.kill('SIGKILL', 'all');
console.log(await box.exited);
// Prints:
// tick 1
// tick 2
// tick 3
// { exitCode: null, signal: 'SIGKILL' }
