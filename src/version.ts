// nsbox's version, as package.json says it (test/unit/version.test.ts keeps the two equal): a
// constant, so `nsbox --version` reads no file wherever the bundle runs from.
export const VERSION = '0.1.0';
