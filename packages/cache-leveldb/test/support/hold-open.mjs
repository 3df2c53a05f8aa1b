// Holds a LevelDB database open (and so its lock) until killed, for the lock test.
import { ClassicLevel } from 'classic-level';

const db = new ClassicLevel(process.argv[2]);
await db.open();
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
