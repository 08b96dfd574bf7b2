// Commands printed for the user to paste (fixes): each word as a POSIX shell passes it on unchanged.
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** A word a POSIX shell passes on unchanged: as it is when it can be, else single-quoted. */
export function shellArg(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
