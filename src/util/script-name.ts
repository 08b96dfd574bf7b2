// The name dist/cli.js gives the bundle it runs. V8's code cache keeps the file name the cache was made
// with (the build machine's dist/main.cjs) and stack traces then show that path on every machine that
// installed the package; one fixed name, the same when the cache is made and when it is used, is
// replaced by the real path of the bundle wherever a stack is printed (src/main.ts).
export const SCRIPT_NAME = 'cn-scaffold/dist/main.cjs';

/** A stack trace with the bundle's real path in place of SCRIPT_NAME. */
export const locateStack = (stack: string, bundle: string): string => stack.split(SCRIPT_NAME).join(bundle);
