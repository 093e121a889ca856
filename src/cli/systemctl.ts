// `nsbox systemctl`: the verbs live in systemctl/, one file per group; this is the bundle's entry.
export { main } from './systemctl/main.js';
