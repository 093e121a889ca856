/** Exhaustiveness check for discriminated unions: the compiler rejects a call with a live value. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
