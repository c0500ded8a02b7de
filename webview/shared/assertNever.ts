/** Compile-time proof that a switch handled every case; at run time, names the stray value. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected message: ${JSON.stringify(value)}`);
}
