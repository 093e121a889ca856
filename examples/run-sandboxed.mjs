import { run } from 'nsbox';

// One command in a sandbox made of systemd's settings (camelCase), here the strict preset as nobody.
const result = await run(['/bin/sh', '-c', 'id -un; touch /usr/x; cat /proc/net/dev | wc -l'], { sandbox: 'strict', user: 'nobody' });
console.log(result.exitCode);
console.log(result.stdout.trim());
console.log(result.stderr.trim());
// Prints:
// 0
// nobody
// 3
// touch: cannot touch '/usr/x': Read-only file system
